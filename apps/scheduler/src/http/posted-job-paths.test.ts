import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RunStore } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');
// Text that must never reach an answer: it is the first line of the files outside the roots.
const OUTSIDE_CONTENT = 'root-secret-line:x:0:0:do-not-leak';

function job(fields: { seed: string; output: string; extra?: string }): string {
  return `name: paths
seed:
  path: ${fields.seed}
output:
  dir: ${fields.output}
iterations: 1
pairs: 2
models:
  sim: { provider: simulator, model: parley-sim-1 }
generator: { model: sim }
critic: { model: sim }
${fields.extra ?? ''}`;
}

/**
 * A job posted to the run API is untrusted: its seed, simulator text source, output folder and
 * job file must resolve (symbolic links included) inside the operator's roots. Each escape is
 * refused with 400 before anything is read or written, and no answer quotes a file.
 */
describe('posted job paths', () => {
  let test: TestDashboard;
  let store: RunStore;
  let base: string;
  let jobs: string;
  let data: string;
  let releases: string;
  let outside: string;
  // Preflight probes the simulator URL: a stand-in that answers anything.
  let provider: Server;
  const post = (body: unknown) =>
    fetch(new URL('/api/runs', test.dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-request': '1' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'parley-paths-'));
    jobs = path.join(base, 'jobs');
    data = path.join(base, 'data');
    releases = path.join(base, 'releases');
    outside = path.join(base, 'outside');
    for (const folder of [jobs, data, releases, outside]) await mkdir(folder);
    await copyFile(SEED, path.join(data, 'seed.jsonl'));
    await writeFile(path.join(outside, 'secret.jsonl'), `${OUTSIDE_CONTENT}\n`);
    await writeFile(path.join(outside, 'job.yaml'), `${OUTSIDE_CONTENT}\n`);
    await symlink(path.join(outside, 'secret.jsonl'), path.join(data, 'linked-seed.jsonl'));
    await symlink(outside, path.join(data, 'linked-folder'));
    await symlink(path.join(outside, 'job.yaml'), path.join(jobs, 'linked-job.yaml'));
    await symlink(outside, path.join(releases, 'linked-output'));
    provider = createServer((_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    test = await startTestDashboard({
      jobsDirectory: jobs,
      environment: { PARLEY_SIMULATOR_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}` },
      postedJobs: { dataRoots: [data], outputRoots: [releases] },
    });
    store = new RunStore(test.redis, test.prefix);
  });
  afterAll(async () => {
    await test.close();
    await new Promise((resolve) => provider.close(resolve));
    await rm(base, { recursive: true, force: true });
  });

  async function expectRefused(body: unknown, field: string, message: RegExp): Promise<void> {
    const before = (await store.listRuns()).length;
    const response = await post(body);
    const text = await response.text();
    expect(response.status, text).toBe(400);
    expect(text).not.toContain(OUTSIDE_CONTENT);
    expect(text).not.toContain('root:x:0:0');
    const answer = JSON.parse(text) as { problems: Array<{ path: string; message: string }> };
    const problem = answer.problems.find((candidate) => candidate.path === field);
    expect(problem?.message, text).toMatch(message);
    expect((await store.listRuns()).length).toBe(before);
    // Nothing was written: the roots and the outside folder hold only what the test put there.
    expect((await readdir(releases)).sort()).toEqual(['linked-output']);
    expect((await readdir(outside)).sort()).toEqual(['job.yaml', 'secret.jsonl']);
  }

  it('accepts a job whose paths lie inside the roots, relative ones included', async () => {
    const absolute = await post({ job: job({ seed: path.join(data, 'seed.jsonl'), output: releases }) });
    expect(absolute.status, await absolute.text()).toBe(201);
    // Relative paths of posted text start at the jobs folder.
    const relative = await post({ job: job({ seed: '../data/seed.jsonl', output: '../releases/nested' }) });
    expect(relative.status, await relative.text()).toBe(201);
  });

  it('refuses a seed outside the data folders, absolute or through ..', async () => {
    await expectRefused(
      { job: job({ seed: '/etc/passwd', output: releases }) },
      'seed.path',
      /outside the data folders/,
    );
    await expectRefused(
      { job: job({ seed: '../outside/secret.jsonl', output: releases }) },
      'seed.path',
      /outside the data folders/,
    );
    await expectRefused(
      { job: job({ seed: path.join(data, '..', 'outside', 'secret.jsonl'), output: releases }) },
      'seed.path',
      /outside the data folders/,
    );
  });

  it('refuses a seed that escapes through a symbolic link, to a file or through a folder', async () => {
    await expectRefused(
      { job: job({ seed: path.join(data, 'linked-seed.jsonl'), output: releases }) },
      'seed.path',
      /symbolic link/,
    );
    await expectRefused(
      { job: job({ seed: path.join(data, 'linked-folder', 'secret.jsonl'), output: releases }) },
      'seed.path',
      /symbolic link/,
    );
  });

  it('refuses a simulator text source outside the data folders', async () => {
    await expectRefused(
      {
        job: job({
          seed: path.join(data, 'seed.jsonl'),
          output: releases,
          extra: `simulator:\n  textSource: ${path.join(outside, 'secret.jsonl')}\n`,
        }),
      },
      'simulator.textSource',
      /outside the data folders/,
    );
  });

  it('refuses an output folder outside the output roots, directly or through a link', async () => {
    await expectRefused(
      { job: job({ seed: path.join(data, 'seed.jsonl'), output: path.join(outside, 'new-releases') }) },
      'output.dir',
      /outside the output roots/,
    );
    await expectRefused(
      {
        job: job({ seed: path.join(data, 'seed.jsonl'), output: path.join(releases, 'linked-output', 'x') }),
      },
      'output.dir',
      /symbolic link/,
    );
    expect(existsSync(path.join(outside, 'new-releases'))).toBe(false);
  });

  it('refuses a job file that is a symbolic link out of the jobs folder, without reading it', async () => {
    await expectRefused({ jobFile: 'linked-job.yaml' }, 'jobFile', /symbolic link/);
    await expectRefused({ jobFile: '../outside/job.yaml' }, 'jobFile', /inside the jobs directory/);
  });

  it('names the line of each refused path in posted text', async () => {
    const response = await post({ job: job({ seed: '/etc/passwd', output: '/tmp/anywhere' }) });
    const answer = (await response.json()) as { problems: Array<{ path: string; line?: number }> };
    expect(answer.problems.find((problem) => problem.path === 'seed.path')?.line).toBe(3);
    expect(answer.problems.find((problem) => problem.path === 'output.dir')?.line).toBe(5);
  });
});
