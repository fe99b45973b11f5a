import { InputError } from '@parley/core';
import { inspectSeed, QUIRK_KINDS, type SeedInspection, SKIP_REASONS, shorten } from '@parley/dataset';
import { type Command, CommanderError, Option } from 'commander';
import { parsePositiveInteger } from '../options/number-options';
import { plainTable } from '../output/plain-table';

const FORMATS = ['auto', 'spc-csv', 'parlai-txt', 'hf-json', 'parley-jsonl'] as const;

interface InspectOptions {
  format: (typeof FORMATS)[number];
  strict?: boolean;
  json?: boolean;
  limit?: number;
}

/** `parley seeds inspect FILE`. */
export function registerSeedsCommands(program: Command): void {
  const seeds = program.command('seeds').description('Read and check seed datasets');
  seeds
    .command('inspect')
    .argument(
      '<file>',
      'seed file: Synthetic-Persona-Chat CSV, ParlAI text, Hugging Face JSON or Parley JSONL',
    )
    .description('Count conversations, turns, personas, profiles, quirks and skipped records of a seed file')
    .addOption(
      new Option('--format <format>', 'file format (detected from the content by default)')
        .choices(FORMATS)
        .default('auto'),
    )
    .option('--strict', 'stop at the first bad record (exit 2 with "file:line: reason")')
    .option('--limit <count>', 'read at most this many conversations', parsePositiveInteger)
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, options: InspectOptions) => {
      let inspection: SeedInspection;
      try {
        inspection = await inspectSeed(file, {
          format: options.format,
          mode: options.strict ? 'strict' : 'lenient',
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        // One `file:line: reason` line, as compilers print it, so editors can jump to it.
        process.stderr.write(`${error.message}\n`);
        throw new CommanderError(2, 'parley.seeds.invalidInput', error.message);
      }
      process.stdout.write(
        options.json ? `${JSON.stringify(inspection, null, 2)}\n` : formatInspection(inspection),
      );
    });
}

/** The human-readable summary: totals, quirks, skipped records. */
export function formatInspection(inspection: SeedInspection): string {
  const totals = plainTable();
  const { turnsBySpeaker, firstSpeaker } = inspection;
  totals.push(
    { conversations: inspection.conversations },
    {
      turns: `${inspection.turns} (user 1: ${turnsBySpeaker.user1}, user 2: ${turnsBySpeaker.user2}, no speaker: ${turnsBySpeaker.none})`,
    },
    { 'persona attributes': inspection.personaAttributes },
    { profiles: inspection.profiles },
    {
      'speaks first': `user 1: ${firstSpeaker.user1}, user 2: ${firstSpeaker.user2}, nobody: ${firstSpeaker.none}`,
    },
    { 'records skipped': inspection.recordsSkipped },
  );
  const format = `${inspection.format ?? 'unknown'}${inspection.formatDetected ? ', detected' : ''}`;
  const limit = inspection.limitReached ? ', stopped at --limit' : '';
  const parts = [`${inspection.file} (${format}; ${inspection.mode}${limit})`, totals.toString()];

  const quirks = plainTable(['quirk', 'records', 'occurrences']);
  for (const kind of QUIRK_KINDS) {
    const { records, occurrences } = inspection.quirks[kind];
    if (occurrences > 0) quirks.push([kind, records, occurrences]);
  }
  parts.push(quirks.length > 0 ? `Quirks\n${quirks.toString()}` : 'Quirks: none');

  const skipped = plainTable(['skipped because', 'records', 'first at']);
  for (const reason of SKIP_REASONS) {
    const summary = inspection.skipped[reason];
    const first = summary?.samples[0];
    if (summary && first)
      skipped.push([reason, summary.count, `${first.line}: ${shorten(first.message, 70)}`]);
  }
  parts.push(skipped.length > 0 ? `Skipped records\n${skipped.toString()}` : 'Skipped records: none');
  return `${parts.join('\n')}\n`;
}
