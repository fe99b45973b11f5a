import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { holdRunAfterFirstSettledPair } from '../support/hold-run';
import { PARLEY_BIN, REPO_ROOT, waitFor } from '../support/parley-processes';
import { spawnedRunEnvironment } from '../support/run-environment';
import { cleanupsAfterAll, scratchRun } from '../support/test-scratch';

// `parley run JOB` in a real terminal (a tmux pane), recorded as a user would see it: progress
// bars with the pace, ETA and dollars spent, warnings folded into the progress block while the
// provider answers 429s and malformed JSON, no log line on the screen (they go to the log file
// named at start), and a summary that fits 100 columns. `.ci/run` installs tmux; without it the
// test is skipped on a developer's machine and fails in CI.

const run = promisify(execFile);
const tmuxAvailable = await run('tmux', ['-V']).then(
  () => true,
  () => false,
);
const inCi = process.env.CI === 'true';

const cleanups = cleanupsAfterAll();

/** A tmux server of its own (its own socket), so no user session is touched; a window per command. */
class Tmux {
  private readonly socket = `parley-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private started = false;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  /** Runs `command` in a new window named `name`, `columns` × `rows`. */
  async open(name: string, command: string): Promise<void> {
    const size = ['-x', `${this.columns}`, '-y', `${this.rows}`];
    if (this.started) await this.tmux('new-window', '-d', '-t', 'test', '-n', name, command);
    else await this.tmux('new-session', '-d', '-s', 'test', '-n', name, ...size, command);
    this.started = true;
  }

  /** A window's screen and scrolled-off history, wrapped lines joined, trailing blanks cut. */
  async capture(name: string): Promise<string[]> {
    const { stdout } = await this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', `test:${name}`);
    return stdout.split('\n').map((line) => line.trimEnd());
  }

  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }

  private tmux(...args: string[]) {
    return run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { cwd: REPO_ROOT });
  }
}

const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

describe.skipIf(!tmuxAvailable && !inCi)('parley run in a terminal', () => {
  it('has tmux when CI runs it', () => {
    expect(tmuxAvailable).toBe(true);
  });

  it('shows rate, ETA, cost and warnings in place of log lines, and a summary within 100 columns', async () => {
    const { namespace, folder } = await scratchRun('terminal', cleanups);
    const jobFile = path.join(folder, 'job.yaml');
    // The demo's shape (2 iterations, the full Critic, one model) with a provider that answers
    // 429s and malformed JSON.
    await writeFile(
      jobFile,
      `name: terminal
seed: { path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')} }
output: { dir: ${path.join(folder, 'releases')} }
iterations: 2
pairs: 12
candidatesPerPair: 3
randomSeed: 7
models:
  sim: { provider: simulator, model: parley-sim-1, price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } }
generator: { model: sim }
critic: { model: sim }
examplePool: { size: 12 }
simulator:
  seed: 7
  latencyMs: 30
  faults: { rateLimited: 0.12, retryAfterSeconds: 0, malformed: 0.12 }
`,
    );

    const tmux = new Tmux(120, 60);
    cleanups.push(() => tmux.kill());
    const overrides = {
      ...spawnedRunEnvironment(namespace),
      PARLEY_LOG_FORMAT: '',
      PARLEY_LOG_LEVEL: 'warn',
    };
    const environment = `env ${Object.entries(overrides)
      .map(([name, value]) => `${name}=${quote(value)}`)
      .join(' ')}`;
    const parley = (args: string) =>
      // The window outlives the command, so that what it printed last can be read.
      `${environment} ${quote(process.execPath)} ${quote(PARLEY_BIN)} ${args}; echo "parley exited with $?"; sleep 600`;
    await tmux.open('run', parley(`run ${quote(jobFile)}`));

    const seen: string[][] = [];
    const record = async () => {
      const lines = await tmux.capture('run');
      seen.push(lines);
      return lines;
    };
    const runId = await waitFor(
      'the run id on the screen',
      async () => {
        const lines = await record();
        return lines.map((line) => /^parley: run (\S+) →/.exec(line)?.[1]).find(Boolean);
      },
      30_000,
      200,
    );

    // Hold the run mid-way (as an operator pausing the generate queue), so that the screen is
    // recorded with pairs settled and more to come, however fast this machine is.
    const held = await holdRunAfterFirstSettledPair(namespace, runId);
    cleanups.push(() => held.close());
    const paceLine =
      /· \d+(\.\d+)? pairs\/min · ETA ~?\d+[smh]( \d+[sm])? · \$\d+\.\d{4}( → ~\$\d+\.\d{4})? · elapsed \d+/;
    const midRun = await waitFor(
      'a progress line with pace, ETA and cost',
      async () => {
        const lines = await record();
        return lines.find((line) => paceLine.test(line) && line.startsWith('running (iteration'));
      },
      20_000,
      200,
    );
    expect(midRun).toMatch(paceLine);

    // `parley status --follow` beside it redraws its block in place: two refreshes (2 s apart)
    // while the run is held, and its history still holds the block once.
    await tmux.open('status', parley(`status ${quote(runId)} --follow`));
    await waitFor(
      'the status block',
      async () => (await tmux.capture('status')).some((line) => line.startsWith('tokens: ')),
      20_000,
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const following = await tmux.capture('status');
    expect(following.filter((line) => line.startsWith(`run ${runId}: running`))).toHaveLength(1);
    expect(following.find((line) => line.startsWith('running (iteration'))).toMatch(paceLine);
    await held.resume();

    const final = await waitFor(
      'the run to end',
      async () => {
        const lines = await record();
        return lines.some((line) => line.startsWith('parley exited with')) ? lines : undefined;
      },
      60_000,
      200,
    );
    expect(final).toContain('parley exited with 0');
    const followed = await waitFor(
      'status --follow to end',
      async () => {
        const lines = await tmux.capture('status');
        return lines.includes('parley exited with 0') ? lines : undefined;
      },
      10_000,
      200,
    );
    expect(followed.filter((line) => line.startsWith(`run ${runId}: `))).toEqual([
      `run ${runId}: completed, done`,
    ]);
    expect(followed.filter((line) => line.startsWith('tokens: '))).toHaveLength(1);

    // Never a raw JSON log line, nor a pretty one: log lines went to the file.
    for (const lines of seen) {
      for (const line of lines) {
        expect(line).not.toMatch(/^\s*\{"level"/);
        expect(line).not.toMatch(/\b(WARN|ERROR) \(parley\)/);
      }
    }

    // The bars, the pace and the warnings the provider caused stay on screen above the summary.
    const text = final.join('\n');
    expect(text).toMatch(/^iteration 1\/2 \[█+\] 12\/12 pairs · accepted \d+/m);
    expect(text).toMatch(/^iteration 2\/2 \[█+\] 12\/12 pairs/m);
    expect(text).toMatch(
      /^completed · 24\/24 pairs · \d+(\.\d+)? pairs\/min · done · \$\d+\.\d{4} · elapsed/m,
    );
    const warnings = /^warnings: (\d+) retries, (\d+) × 429, (\d+) malformed answers, \d+ failed$/m.exec(
      text,
    );
    expect(warnings).not.toBeNull();
    expect(Number(warnings![2])).toBeGreaterThan(0);
    expect(Number(warnings![3])).toBeGreaterThan(0);
    expect(text).toMatch(/^last warning: \S.*/m);

    // The details are in the log file named at start.
    const logFile = final.map((line) => /^parley: log → (\S+)$/.exec(line)?.[1]).find(Boolean);
    expect(logFile).toBeDefined();
    expect(existsSync(logFile!)).toBe(true);
    const log = await readFile(logFile!, 'utf8');
    expect(log).toMatch(/WARN \(parley\): structured output rejected/);
    expect(log).toMatch(/WARN \(parley\): llm call failed, retrying/);

    // The summary: from the outcome line to the release, every line within 100 columns.
    const start = final.indexOf(`run ${runId}: completed`);
    const end = final.findIndex((line) => line.startsWith('release: '));
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const summary = final.slice(start, end + 1);
    expect(summary.join('\n')).toContain('expert pass rates');
    expect(summary.join('\n')).toMatch(/^│ faithfulness +│ .+│$/m);
    const widest = Math.max(...summary.map((line) => Array.from(line).length));
    expect(widest).toBeLessThanOrEqual(100);
  }, 60_000);
});
