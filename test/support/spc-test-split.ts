import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Conversation } from '@parley/core';
import { readSeed } from '@parley/dataset';
import { REPO_ROOT } from './parley-processes';

/**
 * The Synthetic-Persona-Chat test split (968 real conversations): PARLEY_SPC_TEST_CSV, else
 * `../shared/data/` beside the clone. Read from there, never copied into the project.
 */
export const SPC_TEST_CSV =
  process.env.PARLEY_SPC_TEST_CSV ??
  path.resolve(REPO_ROOT, '../shared/data/Synthetic-Persona-Chat_test.csv');

export function spcTestCsvExists(): boolean {
  return existsSync(SPC_TEST_CSV);
}

/** Every conversation of the split, read with the project's own seed reader (quirks and all). */
export async function loadSpcTestConversations(): Promise<Conversation[]> {
  const { records } = await readSeed(SPC_TEST_CSV, { format: 'spc-csv' }).collect();
  return records.map((record) => record.conversation);
}
