import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { DateFormats } from '@bull-board/api/typings/app';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express, type RequestHandler } from 'express';
import { reduceRedisStats, trimJobTraces } from './bull-board-answers';
import { redactSecrets } from './redact-secrets';

export interface BullBoardRouterOptions {
  /** The queues to show, one adapter each. */
  queues: readonly Queue[];
  /** Where the board is mounted. @defaultValue '/queues' */
  basePath?: string;
  /** Whether the board may retry, clean, pause or remove. @defaultValue false (read-only) */
  allowActions?: boolean;
  /** Secrets to scrub from every answer besides those registered with the logger. */
  secrets?: readonly string[];
  /** Link back to the iteration dashboard. @defaultValue '../' */
  dashboardUrl?: string;
  /** Paths in stack traces and failure reasons are shown relative to it. @defaultValue process.cwd() */
  pathRoot?: string;
}

/** How much of a job payload Bull Board shows: enough to recognise a job, never a whole conversation. */
export const JOB_PAYLOAD_LIMITS = { maxStringLength: 300, maxArrayItems: 12, maxDepth: 6 } as const;

/** Largest JSON body Bull Board accepts (its own default): a job to add, a rate limit, new data. */
export const BULL_BOARD_BODY_LIMIT = '100kb';

// Times in UTC with a 24-hour clock, like the rest of the dashboard: `Nov 27, 15:41:57 UTC`.
// Bull Board formats with Intl.DateTimeFormat in the browser's language; these options fix the zone.
const UTC_TIME: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
  timeZoneName: 'short',
};
export const BULL_BOARD_DATE_FORMATS: DateFormats = {
  short: UTC_TIME,
  common: { month: 'short', day: 'numeric', ...UTC_TIME },
  full: { year: 'numeric', month: '2-digit', day: '2-digit', ...UTC_TIME },
};

// Bull Board's page asks Google for its web font; the dashboard fetches nothing from outside.
const WEB_FONT_LINK = /<link[^>]+fonts\.googleapis\.com[^>]*>\s*/g;

/**
 * Bull Board (express adapter) for Parley's queues: read-only unless actions are allowed, job
 * data and return values trimmed and redacted by a formatter, and every API answer scrubbed by an
 * after-hook: secrets out of failure reasons, stack traces and logs, absolute paths out of stack
 * traces, server details out of the Redis stats.
 */
export function createBullBoardRouter(options: BullBoardRouterOptions): RequestHandler {
  const basePath = options.basePath ?? '/queues';
  const readOnlyMode = options.allowActions !== true;
  const secrets = options.secrets ?? [];
  const pathRoot = options.pathRoot ?? process.cwd();
  const adapters = options.queues.map((queue) => {
    const adapter = new BullMQAdapter(queue, {
      readOnlyMode,
      allowRetries: !readOnlyMode,
      description: `Parley ${queue.name} jobs (prefix ${queue.opts.prefix ?? 'bull'})`,
    });
    const format = (value: unknown) => redactSecrets(value, { ...JOB_PAYLOAD_LIMITS, secrets });
    adapter.setFormatter('data', format);
    adapter.setFormatter('returnValue', format);
    adapter.setFormatter('progress', format);
    return adapter;
  });

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'Parley queues',
        hideDocsLink: true,
        miscLinks: [{ text: 'Iteration dashboard', url: options.dashboardUrl ?? '../' }],
        dateFormats: BULL_BOARD_DATE_FORMATS,
      },
      handlerHooks: {
        // The adapters refuse writes in read-only mode already; this also covers board-wide routes.
        before: ({ method }) =>
          readOnlyMode && method !== 'get'
            ? { allow: false, status: 405, errorKey: 'ERRORS.QUEUE_READ_ONLY' }
            : { allow: true },
        after: ({ route }, result) => {
          const body = route === '/api/redis/stats' ? reduceRedisStats(result.body) : result.body;
          return { ...result, body: redactSecrets(trimJobTraces(body, pathRoot), { secrets }) };
        },
      },
    },
  });
  // Bull Board's router is an express app of its own, which would announce itself in X-Powered-By.
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by');
  // Parsed here, so a malformed or oversized body meets the dashboard's error handler (400, 413)
  // rather than Bull Board's, which calls every error an internal one.
  const parseJson = express.json({ limit: BULL_BOARD_BODY_LIMIT });

  return (request, response, next) => {
    if (request.method === 'GET') {
      const send = response.send.bind(response);
      response.send = (body?: unknown) =>
        send(
          typeof body === 'string' && body.includes('fonts.googleapis.com')
            ? body.replace(WEB_FONT_LINK, '')
            : body,
        );
    }
    parseJson(request, response, (error?: unknown) => (error ? next(error) : board(request, response, next)));
  };
}
