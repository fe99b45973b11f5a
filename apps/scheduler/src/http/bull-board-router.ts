import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
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
}

/** How much of a job payload Bull Board shows: enough to recognise a job, never a whole conversation. */
export const JOB_PAYLOAD_LIMITS = { maxStringLength: 300, maxArrayItems: 12, maxDepth: 6 } as const;

// Bull Board's page asks Google for its web font; the dashboard fetches nothing from outside.
const WEB_FONT_LINK = /<link[^>]+fonts\.googleapis\.com[^>]*>\s*/g;

/**
 * Bull Board (express adapter) for Parley's queues: read-only unless actions are allowed, job
 * data and return values trimmed and redacted by a formatter, and every API answer (failure
 * reasons, stack traces, logs) scrubbed of secrets by an after-hook.
 */
export function createBullBoardRouter(options: BullBoardRouterOptions): RequestHandler {
  const basePath = options.basePath ?? '/queues';
  const readOnlyMode = options.allowActions !== true;
  const secrets = options.secrets ?? [];
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
      },
      handlerHooks: {
        // The adapters refuse writes in read-only mode already; this also covers board-wide routes.
        before: ({ method }) =>
          readOnlyMode && method !== 'get'
            ? { allow: false, status: 405, errorKey: 'ERRORS.QUEUE_READ_ONLY' }
            : { allow: true },
        after: (_context, result) => ({ ...result, body: redactSecrets(result.body, { secrets }) }),
      },
    },
  });
  const board = serverAdapter.getRouter() as RequestHandler;

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
    board(request, response, next);
  };
}
