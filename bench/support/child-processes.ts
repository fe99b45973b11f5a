import type { ChildProcess } from 'node:child_process';

/** Node flags for a benchmarked child: `--cpu-prof` into `profileDir` when profiling. */
export function nodeArguments(profileDir: string | undefined, name: string): string[] {
  if (!profileDir) return [];
  return ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}-${Date.now()}.cpuprofile`];
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; `graceMs` 0 kills at once (nothing left to measure, and
 * a graceful stop of a BullMQ worker takes seconds). A profiled process writes its profile on a
 * normal exit only, so profiling runs stop gracefully.
 */
export async function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
