import type { Request, Response } from 'express';

// The run API and Bull Board's API speak JSON; pages, /metrics and the rest speak plain text.
const JSON_ROUTES = /^\/(?:queues\/)?api(?:\/|$|\?)/;

/**
 * Answers a refused request in the form its caller reads: `{ "error": message }` on the JSON
 * APIs (what the run API and Bull Board's UI show), `<status> <message>` as text elsewhere.
 */
export function refuse(
  request: Request,
  response: Response,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  response.status(status).set({ 'Cache-Control': 'no-store', ...headers });
  if (JSON_ROUTES.test(request.originalUrl)) {
    response.json({ error: message });
    return;
  }
  response.type('text/plain').send(`${status} ${message}\n`);
}
