import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from '@parley/dataset';
import { freePort } from '../../apps/cli/src/embedded/embedded-redis';
import { ChaosCluster } from '../harness/chaos-cluster';
import { type ChaosJob, writeChaosJob } from '../harness/chaos-job';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario } from '../scenario';

/** One job that must not start, and what its one message must name. */
interface BadInput {
  name: string;
  /** Writes the job (and any file it needs) into `folder`. */
  write(folder: string): Promise<ChaosJob>;
  /** The message must match: it names what is wrong and where. */
  expected: (job: ChaosJob) => RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function seedJob(folder: string, name: string, format: string, file: string, text: string) {
  const seedPath = path.join(folder, file);
  await mkdir(folder, { recursive: true });
  await writeFile(seedPath, text);
  return writeChaosJob({
    name,
    folder,
    pairs: 4,
    iterations: 1,
    seedPath,
    seedFormat: format as 'spc-csv',
    seedMode: 'strict',
  });
}

async function editJob(job: ChaosJob, edit: (text: string) => string): Promise<ChaosJob> {
  await writeFile(job.jobFile, edit(await readFile(job.jobFile, 'utf8')));
  return job;
}

export const BAD_INPUTS: BadInput[] = [
  {
    name: 'SPC CSV seed with an unclosed quote',
    write: (folder) =>
      seedJob(
        folder,
        'bad-spc',
        'spc-csv',
        'seed.csv',
        'user 1 personas,user 2 personas,Best Generated Conversation\n' +
          '"I like cats.","I like dogs.","User 1: hi\nUser 2: hello"\n' +
          '"I am tall.","I am short.","User 1: this cell never closes\nUser 2: ...\n',
      ),
    expected: (job) => new RegExp(`${escapeRegExp(path.join(job.folder, 'seed.csv'))}:4\\b`),
  },
  {
    name: 'ParlAI seed with a line without a label',
    write: (folder) =>
      seedJob(
        folder,
        'bad-parlai',
        'parlai-txt',
        'seed.txt',
        "1 your persona: i like cats.\n2 partner's persona: i like dogs.\n3 hello there\thi!\t\tyes|no\n4 this line has no label\n",
      ),
    expected: (job) => new RegExp(`${escapeRegExp(path.join(job.folder, 'seed.txt'))}:4\\b`),
  },
  {
    name: 'Hugging Face JSON seed cut off mid-record',
    write: (folder) =>
      seedJob(
        folder,
        'bad-hf',
        'hf-json',
        'seed.json',
        '{"train": [\n  {"personality": ["i like cats."], "utterances": [{"history": ["hi"], "candidates": ["no", "hello"]}]},\n  {"personality": ["i am tall."], "utter',
      ),
    expected: (job) => new RegExp(`${escapeRegExp(path.join(job.folder, 'seed.json'))}:3\\b`),
  },
  {
    name: 'Parley JSONL seed with a broken line',
    write: (folder) =>
      seedJob(
        folder,
        'bad-jsonl',
        'parley-jsonl',
        'seed.jsonl',
        `${JSON.stringify({ id: 'a', user1Persona: ['I like cats.'], user2Persona: ['I like dogs.'], turns: [{ speaker: 'user1', text: 'hi' }] })}\n{"id": "b", "user1Persona": ["I am tall."], "turns": [\n`,
      ),
    expected: (job) => new RegExp(`${escapeRegExp(path.join(job.folder, 'seed.jsonl'))}:2\\b`),
  },
  {
    name: 'invalid job file',
    write: async (folder) =>
      editJob(await writeChaosJob({ name: 'bad-job', folder, pairs: 4 }), (text) =>
        text.replace('iterations: 2', 'iterations: three'),
      ),
    expected: (job) => new RegExp(`${escapeRegExp(job.jobFile)}:\\d+ iterations: `),
  },
  {
    name: 'missing API key',
    write: (folder) =>
      writeChaosJob({
        name: 'no-key',
        folder,
        pairs: 4,
        extraModels:
          '  gpt:\n    provider: openai\n    model: gpt-4o-mini\n    apiKeyEnv: PARLEY_CHAOS_MISSING_KEY\n    price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 }',
        critic: ['model: gpt'],
      }),
    expected: () => /models\.gpt.*PARLEY_CHAOS_MISSING_KEY/s,
  },
  {
    name: 'unreachable base URL',
    write: async (folder) => {
      const port = await freePort();
      return writeChaosJob({
        name: 'unreachable',
        folder,
        pairs: 4,
        extraModels: `  local:\n    provider: openai-compatible\n    model: llama\n    baseURL: http://127.0.0.1:${port}/v1`,
        critic: ['model: local'],
      });
    },
    expected: () => /models\.local\.baseURL: http:\/\/127\.0\.0\.1:\d+\/v1 is unreachable/,
  },
  {
    name: 'output folder not writable',
    write: async (folder) => {
      const job = await writeChaosJob({ name: 'unwritable', folder, pairs: 4 });
      // A folder under a regular file cannot be created, even by root.
      return editJob(job, (text) =>
        text.replace(JSON.stringify(job.outputFolder), JSON.stringify(`${job.jobFile}/releases`)),
      );
    },
    expected: (job) => new RegExp(`output\\.dir: ${escapeRegExp(job.jobFile)}/releases is not writable`),
  },
  {
    name: 'model without a price under a budget',
    write: (folder) =>
      writeChaosJob({
        name: 'no-price',
        folder,
        pairs: 4,
        extraModels: '  judge:\n    provider: simulator\n    model: parley-judge-1',
        critic: ['model: judge'],
        extra: 'budget:\n  maxCostUsd: 1',
      }),
    expected: (job) =>
      new RegExp(
        `${escapeRegExp(job.jobFile)}:\\d+ models\\.judge\\.price: a price is needed when budget\\.maxCostUsd is set`,
      ),
  },
];

/**
 * Scenario 5: jobs that cannot start — a malformed seed of each format in strict mode, an
 * invalid job file, a missing API key, an unreachable base URL, an unwritable output folder,
 * a model without a price under a cost budget — each through `parley run --detach` and
 * embedded `parley run`: exit code 2, one message (no stack trace) naming what and where,
 * no key in the namespace, nothing written (not even an empty output folder).
 */
export const badInput: Scenario = {
  id: 'bad-input',
  title: 'bad input',
  async run(context) {
    const modes = context.scale === 'full' ? [['--detach'], []] : [['--detach']];
    const cluster = new ChaosCluster({ label: 'bad-input', simulatorUrl: context.simulatorUrl });
    const row = new ScenarioRow('5 bad input', `${BAD_INPUTS.length} bad jobs × ${modes.length} modes`, 0);
    return runScenario(
      row,
      async () => {
        const root = (await writeChaosJob({ name: 'placeholder', pairs: 1 })).folder;
        const cases = BAD_INPUTS.flatMap((input, index) => modes.map((mode) => ({ input, index, mode })));
        let stopped = 0;
        // Two at a time: each is a process start, and they share nothing but the namespace.
        for (let start = 0; start < cases.length; start += 2) {
          await Promise.all(
            cases.slice(start, start + 2).map(async ({ input, index, mode }) => {
              const folder = path.join(root, `${index}-${mode.length > 0 ? 'detach' : 'embedded'}`);
              const job = await input.write(folder);
              const label = `${input.name} (${mode.length > 0 ? 'detach' : 'embedded'})`;
              const attempt = cluster.spawn(`bad-input ${label}`, [
                'run',
                job.jobFile,
                '--no-progress',
                ...mode,
              ]);
              const code = await attempt.exited;
              const output = attempt.output().trim();
              const problems: string[] = [];
              if (code !== 2) problems.push(`exit code ${String(code)}, expected 2`);
              if (!output.startsWith('parley: ')) problems.push('the message does not start with "parley: "');
              if (/\n\s+at .+:\d+:\d+\)?/.test(output) || output.includes('unexpected error'))
                problems.push('a stack trace instead of one message');
              if (!input.expected(job).test(output))
                problems.push(`the message does not match ${input.expected(job)}`);
              if (await pathExists(job.outputFolder))
                problems.push(
                  `output folder left behind: ${job.outputFolder} (${(await readdir(job.outputFolder)).join(', ') || 'empty'})`,
                );
              if (problems.length > 0)
                row.problem(`${label}: ${problems.join('; ')}\n    output: ${output.slice(0, 600)}`);
              else stopped++;
              row.note(`${label}: ${output.split('\n').slice(0, 3).join(' ⏎ ').slice(0, 220)}`);
            }),
          );
          const keys = await cluster.redis.keys(`{${cluster.namespace}}*`);
          if (keys.length > 0)
            row.problem(`keys in the namespace after a refused job: ${keys.slice(0, 5).join(', ')}`);
        }
        row.result.faults = `${BAD_INPUTS.length} bad jobs × ${modes.length} modes: ${stopped} stopped cleanly`;
      },
      {
        cleanup: () => cluster.close(),
        diagnostics: () => cluster.logs(),
        saveLogs: (text) => context.saveLogs('bad-input', text),
      },
    );
  },
};
