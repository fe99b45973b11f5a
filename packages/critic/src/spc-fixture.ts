// Test support only (not exported): reads the Synthetic-Persona-Chat test split into
// Conversations without depending on @parley/dataset, so the critic's tests stand alone.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Conversation, Turn } from '@parley/core';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the SPC test CSV lives: PARLEY_SPC_TEST_CSV, else `../shared/data/` beside the project. */
export const SPC_TEST_CSV =
  process.env.PARLEY_SPC_TEST_CSV ??
  path.resolve(repositoryRoot, '../shared/data/Synthetic-Persona-Chat_test.csv');

export function spcTestCsvExists(): boolean {
  return existsSync(SPC_TEST_CSV);
}

/** Every row of the SPC test CSV as a Conversation (ids `spc-test-<row>`, rows counted from 1). */
export function loadSpcTestConversations(): Conversation[] {
  const [header, ...rows] = parseCsv(readFileSync(SPC_TEST_CSV, 'utf8'));
  if (header?.[2] !== 'Best Generated Conversation') throw new Error(`${SPC_TEST_CSV}: unexpected header`);
  return rows
    .filter((row) => row.length === 3)
    .map(([user1, user2, conversation], index) => ({
      id: `spc-test-${index + 1}`,
      user1Persona: personaLines(user1 ?? ''),
      user2Persona: personaLines(user2 ?? ''),
      turns: turnsOf(conversation ?? ''),
    }));
}

function personaLines(cell: string): string[] {
  return cell
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

function turnsOf(cell: string): Turn[] {
  return cell
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const match = /^\s*User ([12]):\s?(.*)$/.exec(line);
      if (!match) return { speaker: null, text: line.trim() };
      return { speaker: match[1] === '1' ? 'user1' : 'user2', text: match[2]!.trim() };
    });
}

/** RFC 4180: quoted fields may hold commas, newlines and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += character;
  }
  if (field.length > 0 || row.length > 0) rows.push([...row, field]);
  return rows;
}
