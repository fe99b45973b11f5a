import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  ALL_QUEUE_NAMES,
  createRedisConnection,
  ID_PATTERN,
  RunStore,
  redisUrlFromEnvironment,
  registerEnvironmentSecrets,
} from '@parley/core';
import { Queue } from 'bullmq';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { createBullBoardRouter } from './bull-board-router';
import { clientErrorHandler, refuseUndecodablePaths } from './client-error-handler';
import {
  BULL_BOARD_SECURITY_POLICY,
  FRAGMENT_SECURITY_POLICY,
  pageSecurityPolicy,
} from './content-security-policy';
import { dashboardAuth } from './dashboard-auth';
import type { DashboardCredentials } from './dashboard-credentials';
import { renderRunContent, renderRunsContent } from './dashboard-pages';
import { loopbackHostGuard } from './host-header-guard';
import { IterationTokenReader } from './iteration-token-reader';
import { requireJsonBodies } from './json-body-guard';
import { LoginRateLimiter, type LoginRateLimitSettings } from './login-rate-limit';
import { contentFragment, renderPage } from './page-layout';
import type { PostedJobPolicy } from './posted-job-policy';
import { collectMetrics } from './prometheus-metrics';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text';
import { redactText } from './redact-secrets';
import { RejectionReasonReader } from './rejection-reasons';
import { requestOriginGuard } from './request-origin-guard';
import { createRunApiRouter } from './run-api-router';
import { addRunDetailRoutes } from './run-detail-routes';
import { RunViews } from './run-view';

export interface DashboardAppOptions {
  /** The deployment's hash-tagged key prefix (keyPrefix()). */
  prefix: string;
  /** @defaultValue REDIS_URL or redis://127.0.0.1:6379 */
  redisUrl?: string;
  /** Who may use the dashboard; undefined means anyone who reaches it (loopback only). */
  credentials?: DashboardCredentials;
  /** Failed logins allowed per client address. @defaultValue DEFAULT_LOGIN_RATE_LIMIT (10 a minute) */
  loginRateLimit?: Partial<LoginRateLimitSettings>;
  /**
   * Answer only requests whose Host names this machine (DNS-rebinding guard); set when the
   * server listens on loopback without credentials. @defaultValue false
   */
  loopbackHostsOnly?: boolean;
  /** Let Bull Board retry, clean, pause and remove. @defaultValue false (read-only) */
  allowActions?: boolean;
  /** Where POST /api/runs finds job files and resolves relative paths. @defaultValue process.cwd() */
  jobsDirectory?: string;
  /**
   * What a job submitted through POST /api/runs may reach (data folders, output roots, model
   * connections). @defaultValue the jobs directory for both, the default model connections
   */
  postedJobs?: Partial<PostedJobPolicy>;
  /** Simulator for runs created through the API; else PARLEY_SIMULATOR_URL. */
  simulatorUrl?: string;
  /** How often the pages refresh themselves, in ms. @defaultValue 2000 */
  refreshMs?: number;
  /** @defaultValue process.env */
  environment?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** An express app and what it holds open. */
export interface DashboardApp {
  app: Express;
  close(): Promise<void>;
}

/**
 * The dashboard: Bull Board at /queues/, the iteration dashboard at / and /runs/:runId, the
 * JSON API at /api, Prometheus metrics at /metrics; every route behind the same credentials.
 */
export function createDashboardApp(options: DashboardAppOptions): DashboardApp {
  const environment = options.environment ?? process.env;
  registerEnvironmentSecrets(environment);
  const redisUrl = options.redisUrl ?? redisUrlFromEnvironment(environment);
  const secrets = [
    options.credentials?.password,
    options.credentials?.token,
    options.credentials?.readToken,
    redisPassword(redisUrl),
  ].filter((secret): secret is string => Boolean(secret));
  const redis = createRedisConnection({ url: redisUrl });
  redis.on('error', (error) => options.logger?.warn({ err: error }, 'dashboard-redis-error'));
  const store = new RunStore(redis, options.prefix);
  const queues = ALL_QUEUE_NAMES.map(
    (name) => new Queue(name, { connection: redis, prefix: options.prefix }),
  );
  const views = new RunViews({
    store,
    redis,
    prefix: options.prefix,
    tokens: new IterationTokenReader(),
    secrets,
    queues,
  });
  const rejectionReasons = new RejectionReasonReader();
  const refreshMs = options.refreshMs ?? 2_000;
  const allowActions = options.allowActions === true;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_request, response, next) => {
    response.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
    next();
  });
  if (options.loopbackHostsOnly) app.use(loopbackHostGuard());
  // Every route, Bull Board's included, sits behind these. Who: credentials and their scope
  // (401, 429, 403). Whence: writes from this origin only (403). What: JSON bodies only (415),
  // paths that decode (400).
  app.use(dashboardAuth(options.credentials, { rateLimiter: new LoginRateLimiter(options.loginRateLimit) }));
  app.use(requestOriginGuard());
  app.use(requireJsonBodies());
  app.use(refuseUndecodablePaths());

  app.use(
    '/queues',
    (_request, response, next) => {
      response.set('Content-Security-Policy', BULL_BOARD_SECURITY_POLICY);
      next();
    },
    createBullBoardRouter({ queues, basePath: '/queues', allowActions, secrets, dashboardUrl: '/' }),
  );
  app.use(
    '/api',
    createRunApiRouter({
      store,
      views,
      rejectionReasons,
      secrets,
      environment,
      jobsDirectory: path.resolve(options.jobsDirectory ?? process.cwd()),
      policy: options.postedJobs,
      simulatorUrl: options.simulatorUrl,
    }),
  );
  app.get('/metrics', async (_request, response) => {
    const text = await collectMetrics({ queues, store, redis, prefix: options.prefix });
    response.type(PROMETHEUS_CONTENT_TYPE).send(text);
  });

  const sendPage = (
    request: Request,
    response: Response,
    page: {
      title: string;
      section: 'runs' | 'run';
      content: ReturnType<typeof renderRunsContent>;
      final: boolean;
    },
  ) => {
    if (request.query.fragment === '1') {
      response
        .set('Content-Security-Policy', FRAGMENT_SECURITY_POLICY)
        .type('html')
        .send(contentFragment(page.content, page.final, refreshMs).value);
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    response
      .set('Content-Security-Policy', pageSecurityPolicy(nonce))
      .type('html')
      .send(renderPage({ ...page, nonce, refreshMs, allowActions }, page.final));
  };
  app.get('/', async (request, response) => {
    const runs = await views.list(50);
    // The list keeps refreshing: new runs can appear at any time.
    sendPage(request, response, {
      title: 'Runs',
      section: 'runs',
      content: renderRunsContent(runs),
      final: false,
    });
  });
  app.get('/runs/:runId', async (request, response) => {
    const runId = String(request.params.runId);
    const view = ID_PATTERN.test(runId) ? await views.get(runId) : undefined;
    if (!view) {
      response.status(404).type('text/plain').send(`no run ${runId}\n`);
      return;
    }
    sendPage(request, response, {
      title: view.run.id,
      section: 'run',
      content: renderRunContent(view, await rejectionReasons.read(view.run.runFolder)),
      final: view.terminal,
    });
  });
  addRunDetailRoutes(app, { store, queues, secrets, sendPage });

  app.use((_request, response) => {
    response.status(404).type('text/plain').send('not found\n');
  });
  app.use(clientErrorHandler(secrets));
  app.use((error: Error, _request: Request, response: Response, _next: NextFunction) => {
    options.logger?.error({ err: error }, 'dashboard-request-failed');
    if (response.headersSent) return;
    response
      .status(500)
      .type('text/plain')
      .send(`internal error: ${redactText(error.message, secrets)}\n`);
  });

  return {
    app,
    close: async () => {
      await Promise.allSettled(queues.map((queue) => queue.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function redisPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
