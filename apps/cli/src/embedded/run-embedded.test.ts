import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RunFolder } from '@parley/scheduler';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../../../test/support/captured-output';
import { deleteNamespace } from '../../../../test/support/redis-namespace';
import { embeddedRunEnvironment } from '../../../../test/support/run-environment';
import { main } from '../main';
import { runEmbedded } from './run-embedded';
import { serveAfterRun } from './serve-after-run';

// Real runs on the real Redis (each in a namespace of its own, deleted afterwards), with the
// in-process simulator: one whose every generation comes back as broken JSON, one that works.

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');
const folders: string[] = [];
const namespaces: string[] = [];

afterAll(async () => {
  for (const namespace of namespaces) await deleteNamespace(namespace);
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function writeJob(name: string, extra: string, modelExtra = ''): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), `parley-embedded-${name}-`));
  folders.push(folder);
  const jobFile = path.join(folder, 'job.yaml');
  await writeFile(
    jobFile,
    `name: ${name}
seed: { path: ${SEED} }
output: { dir: ${path.join(folder, 'releases')} }
iterations: 1
pairs: 4
candidatesPerPair: 2
models:
  sim:
    provider: simulator
    model: parley-sim-1
${modelExtra}
generator: { model: sim }
critic: { model: sim }
${extra}`,
  );
  return jobFile;
}

function namespace(label: string): string {
  const name = `test-cli-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  namespaces.push(name);
  return name;
}

describe('a run whose every pair failed', { timeout: 60_000 }, () => {
  const saved = { ...process.env };
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = undefined;
  });

  it('ends failed with its reasons counted, and parley run and status --follow exit 1 saying why', async () => {
    // Every answer is broken JSON and no re-ask is allowed: every generation fails at once.
    const jobFile = await writeJob(
      'all-failed',
      'simulator: { faults: { malformed: 1 } }',
      '    maxRetries: 0\n    structuredOutputRetries: 0',
    );
    process.env = embeddedRunEnvironment(namespace('failed'), { set: { PARLEY_LOG_LEVEL: 'error' } });

    expect(await main(['node', 'parley', 'run', jobFile, '--no-progress'])).toBe(1);
    const reason = 'every pair failed (4 pairs): 8 × unparseable';
    const runId = /^parley: run (\S+) →/m.exec(output.stderr)?.[1];
    expect(runId).toBeDefined();
    expect(output.stdout).toContain(`run ${runId}: failed (${reason})`);
    expect(output.stdout).toContain('pairs: 4 planned, 0 accepted, 0 rejected, 4 failed');
    expect(output.stdout).toContain('failures: 8 × unparseable');
    expect(output.stderr).toContain(`parley: run ${runId}: failed (${reason})\n`);

    // The failure lines stay in the run folder, one per failed candidate; no release is written.
    const runFolder = path.join(path.dirname(jobFile), 'releases', runId!);
    const lines = (await readFile(new RunFolder(runFolder).rejectedLines(1), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { outcome: string; reason: string });
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      expect(line.outcome).toBe('failed');
      // Today's `LLM_STRUCTURED_OUTPUT: … not valid JSON`, or the LLM layer's `unparseable: …` label.
      expect(line.reason).toMatch(/^(LLM_STRUCTURED_OUTPUT|unparseable): /);
    }
    expect(existsSync(path.join(runFolder, 'manifest.json'))).toBe(false);

    // Waiting on it from another command says the same, and fails the same way.
    output.stdout = '';
    output.stderr = '';
    expect(await main(['node', 'parley', 'status', runId!, '--follow'])).toBe(1);
    expect(output.stderr).toBe(`parley: run ${runId}: failed (${reason})\n`);
    expect(output.stdout).toContain('failures: 8 × unparseable');
    process.exitCode = undefined;
    // Only showing it is no failure.
    expect(await main(['node', 'parley', 'status', runId!])).toBe(0);
  });
});

describe('parley run --dashboard', { timeout: 60_000 }, () => {
  it('keeps the dashboard serving the finished run until told to stop', async () => {
    const jobFile = await writeJob('served', '');
    const environment = embeddedRunEnvironment(namespace('served'), { set: { PARLEY_LOG_LEVEL: 'error' } });
    const result = await runEmbedded({
      jobFile,
      progress: false,
      environment,
      dashboard: { port: 0, keepServing: true },
    });
    expect(result.run.status).toBe('completed');
    const served = result.dashboard!;
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // The run is over, the scheduler and workers are gone; the page still answers, final.
    const page = await (await fetch(new URL(`runs/${result.run.id}`, served.url))).text();
    expect(page).toContain('data-status="completed"');
    expect(page).toContain('data-release-state="written"');
    expect(page).toContain('data-final="true"');
    const manifest = await fetch(new URL(`runs/${result.run.id}/files/manifest.json`, served.url));
    expect(((await manifest.json()) as { runId: string }).runId).toBe(result.run.id);

    const lines: string[] = [];
    const stop = new AbortController();
    const serving = serveAfterRun(served, stop.signal, (line) => lines.push(line));
    expect(lines).toEqual([`parley: run finished; dashboard still at ${served.url} — Ctrl-C to stop\n`]);
    expect((await fetch(served.url)).status).toBe(200);
    stop.abort();
    await serving;
    await expect(fetch(served.url)).rejects.toThrow();
  });

  it('without keepServing closes with the run, as before', async () => {
    const jobFile = await writeJob('closed', '');
    const environment = embeddedRunEnvironment(namespace('closed'), { set: { PARLEY_LOG_LEVEL: 'error' } });
    let url: string | undefined;
    const result = await runEmbedded({
      jobFile,
      progress: false,
      environment,
      dashboard: { port: 0 },
      onDashboardReady: (ready) => {
        url = ready;
      },
    });
    expect(result.dashboard).toBeUndefined();
    await expect(fetch(url!)).rejects.toThrow();
  });
});
