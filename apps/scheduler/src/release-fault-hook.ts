import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

/** The environment variable of the hook: a positive whole number of files. */
export const KILL_DURING_RELEASE_VARIABLE = 'PARLEY_FAULT_KILL_DURING_RELEASE';

export interface ReleaseFaultHookOptions {
  /** @defaultValue process.env */
  environment?: NodeJS.ProcessEnv;
  /** What "die" means. @defaultValue SIGKILL to this very process (no cleanup, like a power cut) */
  kill?: () => void;
}

/**
 * TEST-ONLY FAULT HOOK. With `PARLEY_FAULT_KILL_DURING_RELEASE=N` set, the process SIGKILLs
 * itself right after the N-th file of a release has been renamed into place under
 * `runFolder`, so the chaos suite lands a scheduler crash inside the release window
 * deterministically (a release of a small run takes milliseconds). Unset — always, outside
 * tests — it only runs `body`.
 *
 * How: the release's atomic writers rename each finished temp file over its target with
 * `rename` from node:fs/promises; the hook wraps that function for the duration of `body`
 * (syncBuiltinESMExports makes ES module imports see the wrapper) and counts renames whose
 * target is inside the run folder.
 */
export async function withReleaseFaultHook<T>(
  runFolder: string,
  body: () => Promise<T>,
  options: ReleaseFaultHookOptions = {},
): Promise<T> {
  const raw = (options.environment ?? process.env)[KILL_DURING_RELEASE_VARIABLE];
  if (raw === undefined || raw === '') return body();
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(
      `${KILL_DURING_RELEASE_VARIABLE}: expected a positive whole number, got ${JSON.stringify(raw)}`,
    );
  }
  const kill = options.kill ?? (() => process.kill(process.pid, 'SIGKILL'));
  const folder = path.resolve(runFolder) + path.sep;
  const original = fs.rename;
  let renamed = 0;
  const counting: typeof fs.rename = async (from, to) => {
    await original(from, to);
    if (path.resolve(String(to)).startsWith(folder) && ++renamed === limit) kill();
  };
  fs.rename = counting;
  syncBuiltinESMExports();
  try {
    return await body();
  } finally {
    fs.rename = original;
    syncBuiltinESMExports();
  }
}
