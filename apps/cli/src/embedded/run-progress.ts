import type { RunRecord, RunStore } from '@parley/core';
import type { RunViews } from '@parley/scheduler';
import { LiveBlock } from '../output/live-block';
import { plainProgressLine, progressBlock } from '../output/progress-lines';

export interface RunProgressOptions {
  /** @defaultValue standard error */
  output?: NodeJS.WriteStream;
  /** Bars redrawn in place; else plain lines. @defaultValue whether `output` is a terminal */
  interactive?: boolean;
  /** The last warning the run's logger wrote, shown shortened under the bars. */
  lastWarning?: () => string | undefined;
  /** Least time between two refreshes of the bars. @defaultValue 1 s */
  redrawEveryMs?: number;
  /** Least time between two plain lines while nothing but the counts changed. @defaultValue 5 s */
  plainLineEveryMs?: number;
  /** For tests. @defaultValue Date.now */
  now?: () => number;
}

/**
 * Shows a run's progress. On a terminal: a bar per begun iteration, then the pace (pairs/min,
 * ETA, dollars spent, elapsed time), then the warnings (retries, 429s, malformed answers,
 * failed calls, the last warning), redrawn in place. Elsewhere (CI logs, pipes): one line every
 * few seconds with the same facts, and at once when the run changes phase or iteration.
 * Reads only Redis and the run's work files (the dashboard's RunViews, so the numbers are the
 * dashboard's): it shows the same for embedded and detached runs.
 */
export class RunProgress {
  private readonly output: NodeJS.WriteStream;
  private readonly block: LiveBlock | undefined;
  private readonly now: () => number;
  private readonly every: number;
  private lastDraw: { at: number; stage: string } | undefined;
  private lastLine: string | undefined;

  constructor(
    private readonly views: RunViews,
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly options: RunProgressOptions = {},
  ) {
    this.output = options.output ?? process.stderr;
    this.now = options.now ?? Date.now;
    const interactive = options.interactive ?? this.output.isTTY === true;
    this.block = interactive ? new LiveBlock(this.output) : undefined;
    this.every = this.block ? (options.redrawEveryMs ?? 1_000) : (options.plainLineEveryMs ?? 5_000);
  }

  /** Reads the run (every call) and draws when it is time to, or the run moved on; returns the run. */
  async update(): Promise<RunRecord | undefined> {
    const run = await this.store.getRun(this.runId);
    if (!run) return undefined;
    const stage = stageOf(run);
    const due =
      !this.lastDraw || this.lastDraw.stage !== stage || this.now() - this.lastDraw.at >= this.every;
    if (due) {
      this.lastDraw = { at: this.now(), stage };
      await this.draw();
    }
    return run;
  }

  /** Draws the final state and leaves it on screen. */
  async stop(): Promise<void> {
    await this.draw();
    this.block?.done();
  }

  private async draw(): Promise<void> {
    const view = await this.views.get(this.runId);
    if (!view) return;
    if (this.block) {
      this.block.render(progressBlock(view, this.options.lastWarning?.()));
      return;
    }
    const line = plainProgressLine(view);
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.output.write(`${line}\n`);
  }
}

/** What progress is drawn at once for: a new status, phase or iteration. */
function stageOf(run: RunRecord): string {
  return `${run.status}/${run.phase}/${run.iteration}`;
}
