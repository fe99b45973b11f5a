import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { deleteNamespace } from './redis-namespace';
import { testNamespace } from './test-jobs';

export type Cleanup = () => Promise<unknown>;

/**
 * A list to push cleanups to, run after the file's tests, last first; a failing cleanup is
 * ignored, so it cannot hide the test's own failure. Call it at the top level of a test file.
 */
export function cleanupsAfterAll(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });
  return cleanups;
}

/** A Redis namespace and a temp folder for one test's run (`parley-<label>-…`), both removed by `cleanups`. */
export async function scratchRun(
  label: string,
  cleanups: Cleanup[],
): Promise<{ namespace: string; folder: string }> {
  const namespace = testNamespace(label);
  cleanups.push(() => deleteNamespace(namespace));
  const folder = await mkdtemp(path.join(os.tmpdir(), `parley-${label}-`));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  return { namespace, folder };
}
