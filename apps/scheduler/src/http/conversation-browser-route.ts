import { filterCascadeOrder, ID_PATTERN, type RunRecord, type RunStore } from '@parley/core';
import type { Express, Request, Response } from 'express';
import { browseConversations, type ConversationPage, conversationQuerySchema } from './conversation-browser';
import { renderConversationBrowser } from './conversation-browser-page';
import type { SafeHtml } from './html-template';
import { redactSecrets, redactText } from './redact-secrets';

/** What a request for a run's conversations came to. */
export type ConversationRequestResult =
  | { status: 404; error: string }
  | { status: 400; error: string; problems: Array<{ path: string; message: string }> }
  | { status: 200; run: RunRecord; experts: string[]; page: ConversationPage };

/**
 * Resolves a run id and a query string into a page of its conversations, secrets scrubbed (the
 * lines hold model output, which could echo anything). Shared by the page and the JSON API.
 */
export async function loadConversationPage(
  store: RunStore,
  runId: string,
  rawQuery: Request['query'],
  secrets: readonly string[],
): Promise<ConversationRequestResult> {
  const run = ID_PATTERN.test(runId) ? await store.getRun(runId) : undefined;
  if (!run) return { status: 404, error: `no run ${runId}` };
  const query = conversationQuerySchema.safeParse(rawQuery);
  if (!query.success) {
    return {
      status: 400,
      error: 'invalid query',
      problems: query.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    };
  }
  const [page, config] = await Promise.all([
    browseConversations(run.runFolder, query.data),
    store.getConfig(run.id).catch(() => undefined),
  ]);
  return {
    status: 200,
    run: { ...run, ...(run.error ? { error: redactText(run.error, secrets) } : {}) },
    experts: config ? filterCascadeOrder(config.critic) : [],
    page: { ...page, entries: redactSecrets(page.entries, { secrets }) },
  };
}

export interface ConversationBrowserRouteOptions {
  store: RunStore;
  secrets: readonly string[];
  /** The dashboard's page sender (layout, CSP, `?fragment=1` refresh). */
  sendPage: (
    request: Request,
    response: Response,
    page: { title: string; section: 'run'; content: SafeHtml; final: boolean },
  ) => void;
}

/** GET /runs/:runId/conversations: the browser page (see conversation-browser.ts for the filters). */
export function addConversationBrowserRoute(app: Express, options: ConversationBrowserRouteOptions): void {
  app.get('/runs/:runId/conversations', async (request, response) => {
    const result = await loadConversationPage(
      options.store,
      String(request.params.runId),
      request.query,
      options.secrets,
    );
    if (result.status === 404) {
      response.status(404).type('text/plain').send(`${result.error}\n`);
      return;
    }
    if (result.status === 400) {
      const lines = result.problems.map((problem) => `${problem.path}: ${problem.message}`);
      response
        .status(400)
        .type('text/plain')
        .send(`${lines.join('\n')}\n`);
      return;
    }
    // The page never refreshes itself: a reader scrolling through conversations keeps their place.
    options.sendPage(request, response, {
      title: `conversations of ${result.run.id}`,
      section: 'run',
      content: renderConversationBrowser({ run: result.run, experts: result.experts }, result.page),
      final: true,
    });
  });
}
