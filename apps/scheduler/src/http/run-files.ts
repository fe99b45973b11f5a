import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ID_PATTERN, type RunStore } from '@parley/core';
import type { RequestHandler } from 'express';
import { redactText } from './redact-secrets';
import type { ServedReleaseFile } from './release-view';

/** Larger files are not served (a manifest of a 100k-pair release is far smaller). */
const MAX_BYTES = 32 * 1024 * 1024;

const CONTENT_TYPES: Record<ServedReleaseFile, string> = {
  'manifest.json': 'application/json; charset=utf-8',
  // Shown as text: the dataset card is Markdown, and never rendered as HTML here.
  'README.md': 'text/plain; charset=utf-8',
};

/**
 * GET of one fixed release file of a run (`manifest.json`, `README.md`), read-only. The name is
 * never taken from the request: each route serves one constant name, resolved inside the run's
 * folder, and a symlink (the file, or a path that leaves the folder) is refused. Known secrets
 * are scrubbed, as from every dashboard answer.
 */
export function serveRunFile(
  store: RunStore,
  name: ServedReleaseFile,
  secrets: readonly string[] = [],
): RequestHandler {
  return async (request, response) => {
    const runId = String(request.params.runId);
    const run = ID_PATTERN.test(runId) ? await store.getRun(runId) : undefined;
    if (!run) {
      response.status(404).type('text/plain').send(`no run ${runId}\n`);
      return;
    }
    const text = await readInside(run.runFolder, name);
    if (text === undefined) {
      response.status(404).type('text/plain').send(`no ${name} in this run's folder (yet)\n`);
      return;
    }
    response
      .status(200)
      .set({
        'Content-Type': CONTENT_TYPES[name],
        'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
        'Content-Disposition': `inline; filename="${name}"`,
      })
      .send(redactText(text, secrets));
  };
}

/** The file's text when it is a regular file directly inside the folder (no symlink on the way). */
async function readInside(folder: string, name: ServedReleaseFile): Promise<string | undefined> {
  try {
    const realFolder = await realpath(folder);
    const file = path.join(realFolder, name);
    const found = await lstat(file);
    if (!found.isFile() || found.size > MAX_BYTES) return undefined;
    if ((await realpath(file)) !== file) return undefined;
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}
