import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPC_TEST_CSV } from '../../../../test/support/spc-test-split';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `parley ...` as a user would (the bin runs the sources through tsx). */
async function parley(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(ROOT, 'apps/cli/bin/parley.js'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'parley-seeds-cli-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('parley seeds inspect', () => {
  it('--json on the SPC test split: 968 conversations and the measured quirk counts', async () => {
    const { code, stdout, stderr } = await parley('seeds', 'inspect', SPC_TEST_CSV, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const inspection = JSON.parse(stdout);
    expect(inspection).toMatchObject({
      format: 'spc-csv',
      formatDetected: true,
      conversations: 968,
      turns: 26644,
      turnsBySpeaker: { user1: 13501, user2: 13042, none: 101 },
      personaAttributes: 492,
      profiles: 524,
      firstSpeaker: { user1: 966, user2: 0, none: 2 },
      recordsSkipped: 0,
      skipped: {},
    });
    expect(inspection.quirks).toEqual({
      'blank-line': { records: 57, occurrences: 1099 },
      'unprefixed-line': { records: 21, occurrences: 101 },
      'speaker-prefix-variant': { records: 1, occurrences: 26 },
      'empty-turn': { records: 0, occurrences: 0 },
      'blank-persona-line': { records: 0, occurrences: 0 },
      'missing-persona': { records: 0, occurrences: 0 },
      'empty-conversation': { records: 1, occurrences: 1 },
      'starts-with-user2': { records: 0, occurrences: 0 },
      'consecutive-speaker': { records: 18, occurrences: 27 },
      placeholder: { records: 392, occurrences: 921 },
      'stage-direction': { records: 15, occurrences: 39 },
      'silence-token': { records: 0, occurrences: 0 },
      'line-number-gap': { records: 0, occurrences: 0 },
    });
  });

  it('prints tables for people, and reports skipped records in lenient mode', async () => {
    const file = path.join(directory, 'mixed.jsonl');
    const good = {
      id: 'a',
      user1Persona: ['I row.'],
      user2Persona: ['I paint.'],
      turns: [{ speaker: 'user2', text: 'Hi' }],
    };
    await writeFile(file, `${JSON.stringify(good)}\n{"id": "b",\n`);
    const { code, stdout } = await parley('seeds', 'inspect', file);
    expect(code).toBe(0);
    expect(stdout).toContain(`${file} (parley-jsonl, detected; lenient)`);
    expect(stdout).toMatch(/│ conversations\s+│ 1\s+│/);
    expect(stdout).toMatch(/│ starts-with-user2\s+│ 1\s+│ 1\s+│/);
    expect(stdout).toMatch(/│ invalid-json\s+│ 1\s+│ 2: not valid JSON/);
  });

  it('--strict fails with one "file:line: reason" line and exit code 2', async () => {
    const file = path.join(directory, 'bad.csv');
    await writeFile(
      file,
      'user 1 personas,user 2 personas,Best Generated Conversation\n"a.","b.","User 1: hi"\n"c.","d."\n',
    );
    const { code, stdout, stderr } = await parley('seeds', 'inspect', file, '--strict', '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${file}:3: 2 fields, expected 3 (a missing delimiter or a truncated record)\n`);
  });

  it('rejects an unknown --format', async () => {
    const { code, stderr } = await parley('seeds', 'inspect', 'x.csv', '--format', 'xml');
    expect(code).toBe(2);
    expect(stderr).toContain("argument 'xml' is invalid");
  });
});
