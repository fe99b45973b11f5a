import type { IterationCounters, RunRecord, RunStore } from '@parley/core';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/**
 * Shows a run's progress: a bar per iteration on a terminal, a line per change elsewhere
 * (CI logs, pipes). Reads only Redis, so it shows the same for embedded and detached runs.
 */
export class RunProgress {
  private readonly bars = new Map<number, SingleBar>();
  private readonly multiBar: MultiBar | undefined;
  /** Last line printed per topic (the run, each iteration), so unchanged state is not repeated. */
  private readonly lastLines = new Map<string, string>();

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly output: NodeJS.WriteStream = process.stderr,
    interactive = output.isTTY === true,
  ) {
    this.multiBar = interactive
      ? new MultiBar(
          {
            format:
              '{label} [{bar}] {value}/{total} pairs | accepted {accepted} rejected {rejected} failed {failed}',
            hideCursor: true,
            clearOnComplete: false,
            stream: output,
          },
          Presets.shades_classic,
        )
      : undefined;
  }

  async update(): Promise<RunRecord | undefined> {
    const run = await this.store.getRun(this.runId);
    if (!run) return undefined;
    for (let iteration = 1; iteration <= Math.max(run.iteration, 0); iteration++) {
      this.show(run, await this.store.iterationCounters(this.runId, iteration));
    }
    if (!this.multiBar) {
      const line = `${run.id}: ${run.status} (${run.phase}${run.iteration ? `, iteration ${run.iteration}/${run.iterations}` : ''})`;
      this.print('run', line);
    }
    return run;
  }

  stop(): void {
    this.multiBar?.stop();
  }

  private show(run: RunRecord, counters: IterationCounters): void {
    const settled = counters.accepted + counters.rejected + counters.failed;
    const payload = { label: `iteration ${counters.iteration}/${run.iterations}`, ...counters };
    if (this.multiBar) {
      let bar = this.bars.get(counters.iteration);
      if (!bar) {
        bar = this.multiBar.create(counters.planned, settled, payload);
        this.bars.set(counters.iteration, bar);
      }
      bar.setTotal(counters.planned);
      bar.update(settled, payload);
    } else {
      const line = `${run.id}: iteration ${counters.iteration}: ${settled}/${counters.planned} pairs settled (accepted ${counters.accepted}, rejected ${counters.rejected}, failed ${counters.failed})`;
      this.print(`iteration-${counters.iteration}`, line);
    }
  }

  private print(topic: string, line: string): void {
    if (this.lastLines.get(topic) === line) return;
    this.lastLines.set(topic, line);
    this.output.write(`${line}\n`);
  }
}
