import { ID_PATTERN, TERMINAL_STATUSES } from '@parley/core';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import {
  addConversationBrowserRoute,
  type ConversationBrowserRouteOptions,
} from './conversation-browser-route';
import { renderRunJobsContent } from './dashboard-pages';
import { redactText } from './redact-secrets';
import { serveRunFile } from './run-files';
import { listRunJobs, runJobsQuerySchema } from './run-jobs';

export interface RunDetailRoutesOptions extends ConversationBrowserRouteOptions {
  queues: readonly Queue[];
}

/**
 * Pages and files beside a run's page: `/runs/:runId/jobs?queue=&state=` (the run's jobs in a
 * state, failed by default, with their reasons and Bull Board links), `/runs/:runId/conversations`
 * (the conversation browser) and the release's
 * `/runs/:runId/files/manifest.json` and `/runs/:runId/files/README.md` (fixed names only).
 */
export function addRunDetailRoutes(app: Express, options: RunDetailRoutesOptions): void {
  app.get('/runs/:runId/jobs', async (request, response) => {
    const runId = String(request.params.runId);
    const run = ID_PATTERN.test(runId) ? await options.store.getRun(runId) : undefined;
    if (!run) {
      response.status(404).type('text/plain').send(`no run ${runId}\n`);
      return;
    }
    const query = runJobsQuerySchema.safeParse({ queue: request.query.queue, state: request.query.state });
    if (!query.success) {
      const problems = query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      response
        .status(400)
        .type('text/plain')
        .send(`${problems.join('\n')}\n`);
      return;
    }
    const jobs = await listRunJobs(options.queues, runId, query.data, { secrets: options.secrets });
    options.sendPage(request, response, {
      title: `jobs of ${run.id}`,
      section: 'run',
      content: renderRunJobsContent(
        { run: { ...run, error: run.error ? redactText(run.error, options.secrets) : undefined } },
        query.data,
        jobs,
        options.queues.map((queue) => queue.name),
      ),
      final: TERMINAL_STATUSES.has(run.status),
    });
  });
  addConversationBrowserRoute(app, options);
  app.get('/runs/:runId/files/manifest.json', serveRunFile(options.store, 'manifest.json', options.secrets));
  app.get('/runs/:runId/files/README.md', serveRunFile(options.store, 'README.md', options.secrets));
}
