import { ID_PATTERN, type RunStore } from '@parley/core';
import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { loadConversationPage } from './conversation-browser-route';
import { JobSubmissionError, type JobSubmissionOptions, submitJob } from './job-submission';
import { redactSecrets } from './redact-secrets';
import type { RejectionReasonReader } from './rejection-reasons';
import type { RunViews } from './run-view';

export interface RunApiOptions extends Omit<JobSubmissionOptions, 'store'> {
  store: RunStore;
  views: RunViews;
  /** Top rejection reasons per expert, for GET /api/runs/:runId/rejection-reasons. */
  rejectionReasons?: RejectionReasonReader;
  /** Secrets to scrub from every answer besides those registered with the logger. */
  secrets?: readonly string[];
}

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(50),
});
const runParametersSchema = z.object({
  runId: z.string().regex(ID_PATTERN, { error: 'expected a run id (letters, digits, - and _)' }),
});

/**
 * The JSON API: GET /api/runs (list), POST /api/runs (create from a job file), GET
 * /api/runs/:runId (show), GET /api/runs/:runId/conversations (the conversation browser's
 * entries), GET /api/runs/:runId/rejection-reasons, POST /api/runs/:runId/cancel. Bodies must
 * be application/json, which a cross-site form cannot send, and are validated with zod.
 */
export function createRunApiRouter(options: RunApiOptions): Router {
  const router = Router();
  const secrets = options.secrets ?? [];
  const send = (response: Response, status: number, body: unknown) =>
    response.status(status).set('Cache-Control', 'no-store').json(redactSecrets(body, { secrets }));
  const invalid = (response: Response, error: z.ZodError) =>
    send(response, 400, {
      error: 'invalid request',
      problems: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  const requireJson = (request: Request, response: Response): boolean => {
    if (request.is('application/json')) return true;
    send(response, 415, { error: 'send the body as application/json' });
    return false;
  };

  router.use(express.json({ limit: '2mb' }));

  router.get('/runs', async (request, response) => {
    const query = listQuerySchema.safeParse(request.query);
    if (!query.success) return invalid(response, query.error);
    send(response, 200, { runs: await options.views.list(query.data.limit) });
  });

  router.post('/runs', async (request, response) => {
    if (!requireJson(request, response)) return;
    try {
      const run = await submitJob(request.body, options);
      send(response, 201, { run });
    } catch (error) {
      if (!(error instanceof JobSubmissionError)) throw error;
      send(response, error.status, { error: error.message, problems: error.problems });
    }
  });

  router.get('/runs/:runId', async (request, response) => {
    const parameters = runParametersSchema.safeParse(request.params);
    if (!parameters.success) return invalid(response, parameters.error);
    const view = await options.views.get(parameters.data.runId);
    if (!view) return send(response, 404, { error: `no run ${parameters.data.runId}` });
    send(response, 200, view);
  });

  // The conversation browser's JSON twin: the same filters and pages as /runs/:runId/conversations.
  router.get('/runs/:runId/conversations', async (request, response) => {
    const parameters = runParametersSchema.safeParse(request.params);
    if (!parameters.success) return invalid(response, parameters.error);
    const result = await loadConversationPage(options.store, parameters.data.runId, request.query, secrets);
    if (result.status !== 200) {
      const { status, ...body } = result;
      return send(response, status, body);
    }
    const { page } = result;
    send(response, 200, {
      run: result.run.id,
      source: page.source,
      query: page.query,
      entries: page.entries.map((entry) =>
        entry.kind === 'accepted'
          ? { outcome: 'accepted', conversation: entry.record }
          : { outcome: entry.record.outcome, rejected: entry.record },
      ),
      more: page.more,
      scannedLines: page.scannedLines,
      scanCapped: page.scanCapped,
      unreadableLines: page.unreadableLines,
      duplicates: page.duplicates,
    });
  });

  router.get('/runs/:runId/rejection-reasons', async (request, response) => {
    const parameters = runParametersSchema.safeParse(request.params);
    if (!parameters.success) return invalid(response, parameters.error);
    const run = await options.store.getRun(parameters.data.runId);
    if (!run || !options.rejectionReasons)
      return send(response, 404, { error: `no run ${parameters.data.runId}` });
    send(response, 200, { run: run.id, ...(await options.rejectionReasons.read(run.runFolder)) });
  });

  router.post('/runs/:runId/cancel', async (request, response) => {
    if (!requireJson(request, response)) return;
    const parameters = runParametersSchema.safeParse(request.params);
    if (!parameters.success) return invalid(response, parameters.error);
    const body = z.strictObject({}).safeParse(request.body ?? {});
    if (!body.success) return invalid(response, body.error);
    const runId = parameters.data.runId;
    // Atomic with the check for a driver: a run no scheduler holds the lease of is cancelled
    // here and now (200); a driven one is asked to stop, and its scheduler ends it (202).
    const outcome = await options.store.cancelRun(runId);
    const run = await options.store.getRun(runId);
    if (outcome === 'missing' || !run) return send(response, 404, { error: `no run ${runId}` });
    if (outcome === 'finished')
      return send(response, 409, { error: `run ${runId} is already ${run.status}` });
    if (outcome === 'cancelled')
      return send(response, 200, {
        run,
        outcome,
        message: 'no scheduler was driving the run: it is cancelled',
      });
    send(response, 202, { run, outcome, message: 'cancellation requested: its scheduler starts no new job' });
  });

  router.use((_request, response) => send(response, 404, { error: 'no such API route' }));
  return router;
}
