import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../../../test/support/captured-output';
import { SPC_TEST_CSV, spcTestCsvExists } from '../../../../test/support/spc-test-split';
import { registerCriticCommands } from './critic-command';

// A small SPC CSV: row 2 repeats row 1, row 3 has a placeholder and a toxic word.
const CSV = `user 1 personas,user 2 personas,Best Generated Conversation
"I have a dog named Max.
I work as a chef.","I play the violin.
I live in Paris.","User 1: I just walked my dog Max before my shift as a chef.
User 2: I practised the violin all morning here in Paris.
User 1: Max loves the restaurant kitchen smells.
User 2: Paris has the best violin shops."
"I have a dog named Max.
I work as a chef.","I play the violin.
I live in Paris.","User 1: I just walked my dog Max before my shift as a chef.
User 2: I practised the violin all morning here in Paris.
User 1: Max loves the restaurant kitchen smells.
User 2: Paris has the best violin shops."
"I collect stamps.","I fly gliders.","User 1: Hi, I'm [User 1's name], you idiot.
User 2: Hello."
`;

describe('parley critic score', () => {
  let directory: string;
  let file: string;
  let output: CapturedOutput;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'parley-critic-'));
    file = path.join(directory, 'seed.csv');
    await writeFile(file, CSV);
    output = captureOutput();
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(directory, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<void> {
    const program = new Command('parley').exitOverride();
    registerCriticCommands(program);
    await program.parseAsync(['node', 'parley', 'critic', 'score', file, ...args]);
  }

  it('prints pass rates and score distributions per expert', async () => {
    await run();
    expect(output.stdout).toContain('3 conversations, true personas');
    expect(output.stdout).toMatch(/structure\s+│ 66\.7% \(2\/3\)/);
    expect(output.stdout).toMatch(/near-duplicate\s+│ 66\.7% \(2\/3\)/);
    expect(output.stdout).toMatch(/toxicity-wordlist\s+│ 66\.7% \(2\/3\)/);
    expect(output.stdout).toMatch(/grounding\s+│ 66\.7% \(2\/3\)\s+│ 0\.000\s+│/);
  });

  it('prints one JSON line per conversation with row, line and every verdict', async () => {
    await run('--jsonl', '--experts', 'structure,near-duplicate');
    const lines = output.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.row, line.line, Object.keys(line.experts)])).toEqual([
      [1, 2, ['structure', 'near-duplicate']],
      [2, 8, ['structure', 'near-duplicate']],
      [3, 14, ['structure', 'near-duplicate']],
    ]);
    expect(lines[1].experts['near-duplicate']).toMatchObject({ passed: false, score: 1 });
    expect(lines[2].experts.structure.rationale).toContain("[User 1's name]");
  });

  it('scores swapped personas as a control and reports the grounding AUC', async () => {
    await run('--json', '--experts', 'grounding', '--auc');
    const truePersonas = JSON.parse(output.stdout);
    output.stdout = '';
    await run('--json', '--experts', 'grounding', '--swap-personas');
    const swapped = JSON.parse(output.stdout);
    expect(truePersonas.groundingAuc).toEqual({ auc: expect.any(Number), conversations: 3, seed: 1 });
    expect(truePersonas.groundingAuc.auc).toBeGreaterThan(0.5);
    expect(swapped.personas).toBe('swapped (seed 1)');
    expect(swapped.experts.grounding.scores.mean).toBeLessThan(truePersonas.experts.grounding.scores.mean);
  });

  it('refuses unknown experts', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(run('--experts', 'structure,faithfulness')).rejects.toThrow(/unknown expert faithfulness/);
  });
});

describe.skipIf(!spcTestCsvExists())(
  'parley critic plant and parley critic score DIR (SPC test split)',
  () => {
    let directory: string;
    let output: CapturedOutput;

    beforeEach(async () => {
      directory = await mkdtemp(path.join(tmpdir(), 'parley-plant-'));
      output = captureOutput();
    });

    afterEach(async () => {
      vi.restoreAllMocks();
      await rm(directory, { recursive: true, force: true });
    });

    async function critic(...args: string[]): Promise<void> {
      const program = new Command('parley').exitOverride();
      registerCriticCommands(program);
      await program.parseAsync(['node', 'parley', 'critic', ...args]);
    }

    it('writes one file per defect kind and scores the folder per kind', async () => {
      const out = path.join(directory, 'planted');
      await critic(
        'plant',
        SPC_TEST_CSV,
        '--out',
        out,
        '--limit',
        '120',
        '--kinds',
        'abuse,exchanged-personas,shuffled',
      );
      expect((await readdir(out)).sort()).toEqual([
        'abuse.jsonl',
        'exchanged-personas.jsonl',
        'manifest.json',
        'shuffled.jsonl',
        'untouched.jsonl',
      ]);
      const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
      expect(manifest.untouched.conversations).toBe(120);
      expect(manifest.kinds.map((kind: { kind: string }) => kind.kind)).toEqual([
        'abuse',
        'exchanged-personas',
        'shuffled',
      ]);
      const planted = manifest.kinds[0].planted;
      // Defects are planted into the clean conversations (a kind skips one it cannot apply to).
      expect(planted).toBeGreaterThan(manifest.untouched.clean * 0.9);
      expect(planted).toBeLessThanOrEqual(manifest.untouched.clean);
      const first = JSON.parse((await readFile(path.join(out, 'abuse.jsonl'), 'utf8')).split('\n')[0]!);
      expect(first.id).toMatch(/~abuse$/);
      expect(first.defect).toMatchObject({ kind: 'abuse', note: expect.stringContaining('gets') });
      expect(output.stdout).toContain(`score it with: parley critic score ${out}`);

      output.stdout = '';
      await critic('score', out);
      expect(output.stdout).toMatch(
        new RegExp(
          `abuse\\s+│ ${planted}\\s+│ 100\\.0% \\(${planted}\\)\\s+│ ≥ 95\\.0%\\s+│ toxicity-wordlist ${planted}`,
        ),
      );
      expect(output.stdout).toMatch(
        /exchanged-personas\s+│ \d+\s+│ \d+\.\d% \(\d+\)\s+│ ≥ 80\.0%\s+│ roles \d+/,
      );
      expect(output.stdout).toMatch(/shuffled\s+│ \d+\s+│ [\d.]+% \(\d+\)\s+│ -/);
      expect(output.stdout).toContain(
        'untouched: 120 conversations; rejected for other reasons than unfilled placeholders',
      );

      output.stdout = '';
      await critic('score', out, '--json');
      const report = JSON.parse(output.stdout);
      expect(report.kinds.find((kind: { kind: string }) => kind.kind === 'abuse')).toMatchObject({
        share: 1,
        target: 0.95,
      });
      expect(report.untouched.total).toBe(120);
    });

    it('refuses unknown defect kinds', async () => {
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      await expect(critic('plant', SPC_TEST_CSV, '--out', directory, '--kinds', 'typos')).rejects.toThrow(
        /unknown defect kind typos/,
      );
    });
  },
);
