import type { ServingDashboard } from './run-embedded';

/**
 * `parley run --dashboard` after its run ended: the dashboard keeps serving so that an open tab
 * shows the final state, until `stop` aborts (Ctrl-C), and says so. The caller has already
 * printed the summary and set the exit code, which this does not touch.
 */
export async function serveAfterRun(
  dashboard: ServingDashboard,
  stop: AbortSignal,
  write: (line: string) => void,
): Promise<void> {
  try {
    if (stop.aborted) return;
    write(`parley: run finished; dashboard still at ${dashboard.url} — Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await dashboard.close();
  }
}
