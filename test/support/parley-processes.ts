import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { type RunRecord, type RunStore, TERMINAL_STATUSES } from '@parley/core';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const PARLEY_BIN = path.join(REPO_ROOT, 'apps/cli/bin/parley.js');

export interface ParleyProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<number | NodeJS.Signals>;
}

/** Starts `parley <args>` as a real child process (the way a user or a container does). */
export function spawnParley(args: string[], environment: NodeJS.ProcessEnv): ParleyProcess {
  const child = spawn(process.execPath, [PARLEY_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PARLEY_LOG_LEVEL: 'warn', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 1)),
  );
  return { child, output: () => output, exited };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Stops a child: SIGTERM, then SIGKILL if it lingers. */
export async function stopProcess(processHandle: ParleyProcess, graceMs = 10_000): Promise<void> {
  if (processHandle.child.exitCode !== null || processHandle.child.signalCode !== null) return;
  processHandle.child.kill('SIGTERM');
  const timer = setTimeout(() => processHandle.child.kill('SIGKILL'), graceMs);
  await processHandle.exited;
  clearTimeout(timer);
}

/** Waits until a run has ended (completed, failed or cancelled) and returns its record. */
export function waitForRunEnd(
  store: RunStore,
  runId: string,
  timeoutMs: number,
  what = 'the run to finish',
): Promise<RunRecord> {
  return waitFor(
    what,
    async () => {
      const current = await store.getRun(runId);
      return current && TERMINAL_STATUSES.has(current.status) ? current : undefined;
    },
    timeoutMs,
    250,
  );
}
