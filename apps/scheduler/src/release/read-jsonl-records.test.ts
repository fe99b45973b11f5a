import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonlRecords } from './read-jsonl-records';

const schema = z.object({ id: z.string() });
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'parley-jsonl-records-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function read(name: string, text: string, options: { what: string; code?: string }) {
  const file = path.join(folder, name);
  await writeFile(file, text);
  const records: unknown[] = [];
  try {
    for await (const record of readJsonlRecords(file, schema, options)) records.push(record);
    return { file, records };
  } catch (error) {
    return { file, records, error };
  }
}

describe('readJsonlRecords', () => {
  it('yields each valid line with its line number, skipping blank lines', async () => {
    const { records, error } = await read('good.jsonl', '{"id":"a"}\n\n  \n{"id":"b"}', { what: 'a row' });
    expect(error).toBeUndefined();
    expect(records).toEqual([
      { line: 1, record: { id: 'a' } },
      { line: 4, record: { id: 'b' } },
    ]);
  });

  it('names file:line of a line that is not JSON, with the code asked for', async () => {
    const { file, records, error } = await read('broken.jsonl', '{"id":"a"}\n{"id":', {
      what: 'a row',
      code: 'RELEASE_INPUT_INVALID',
    });
    expect(records).toHaveLength(1);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ location: `${file}:2`, code: 'RELEASE_INPUT_INVALID' });
    expect((error as Error).message).toBe(`${file}:2: not JSON`);
  });

  it('says what a line must be and its first problem, with the default code', async () => {
    const { file, error } = await read('wrong.jsonl', '{"id":3}\n', { what: 'a profile pair' });
    expect(error).toMatchObject({ location: `${file}:1`, code: 'INPUT_INVALID' });
    expect((error as Error).message).toMatch(new RegExp(`^${file}:1: not a profile pair: id: `));
  });
});
