import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { type TokenUsage, tokenUsageSchema } from '@parley/core';
import { pathExists } from '@parley/dataset';
import { z } from 'zod';
import { RunFolder } from '../run-folder';

/** Tokens spent on one iteration's pairs, as recorded with each pair's outcome. */
export interface IterationTokens {
  inputTokens: number;
  outputTokens: number;
  /** Pairs whose outcome carried usage. */
  pairs: number;
}

// Only the fields needed: iteration, pair, candidate and usage of an accepted or rejected line.
const lineSchema = z.object({
  iteration: z.number().int().positive(),
  pair: z.string(),
  candidate: z.number().int().nullable().optional(),
  usage: tokenUsageSchema.optional(),
});

interface PairTokens {
  /** An accepted line's usage covers the whole pair (every candidate, the vote). */
  accepted?: TokenUsage;
  /** Rejected lines, by candidate: a re-appended line (retried settle job) replaces its twin. */
  rejected: Map<string, TokenUsage>;
}

interface SourceFile {
  file: string;
  accepted: boolean;
}

interface FolderState {
  layout: 'work' | 'release';
  offsets: Map<string, { offset: number; remainder: string }>;
  pairs: Map<number, Map<string, PairTokens>>;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Tokens per iteration, read from the lines the scheduler writes for every settled pair: the
 * work folder's `iterations/<n>.{accepted,rejected}.jsonl` files (RunFolder) during a run, the release's
 * `iterations/<n>.jsonl` and `rejected.jsonl` after it. The usage ledger in Redis has no
 * iteration dimension, so this is the only per-iteration source. Files only grow while a run
 * lasts; each is read once, from where the last read stopped.
 */
export class IterationTokenReader {
  private readonly folders = new Map<string, FolderState>();

  async read(runFolder: string, iterations: number): Promise<Map<number, IterationTokens>> {
    const layout = (await pathExists(new RunFolder(runFolder).workIterationsFolder)) ? 'work' : 'release';
    let state = this.folders.get(runFolder);
    if (!state || state.layout !== layout) {
      state = { layout, offsets: new Map(), pairs: new Map() };
      this.folders.set(runFolder, state);
    }
    for (const source of sourceFiles(runFolder, layout, iterations)) {
      const replaced = await this.readNew(state, source);
      if (replaced) {
        // A file shrank (rewritten): start this folder over.
        this.folders.delete(runFolder);
        return this.read(runFolder, iterations);
      }
    }
    const result = new Map<number, IterationTokens>();
    for (const [iteration, pairs] of state.pairs) {
      const totals: IterationTokens = { inputTokens: 0, outputTokens: 0, pairs: 0 };
      for (const pair of pairs.values()) {
        const usages = pair.accepted ? [pair.accepted] : [...pair.rejected.values()];
        if (usages.length === 0) continue;
        totals.pairs += 1;
        for (const usage of usages) {
          totals.inputTokens += usage.inputTokens;
          totals.outputTokens += usage.outputTokens;
        }
      }
      result.set(iteration, totals);
    }
    return result;
  }

  /** Forgets a folder (a run that left the list). */
  forget(runFolder: string): void {
    this.folders.delete(runFolder);
  }

  private async readNew(state: FolderState, source: SourceFile): Promise<boolean> {
    let size: number;
    try {
      size = (await stat(source.file)).size;
    } catch {
      return false; // not written yet
    }
    const position = state.offsets.get(source.file) ?? { offset: 0, remainder: '' };
    if (size < position.offset) return true;
    if (size === position.offset) return false;
    const handle = await open(source.file, 'r');
    try {
      let offset = position.offset;
      let remainder = position.remainder;
      while (offset < size) {
        const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, size - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        const lines = (remainder + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
        // The last piece may be a line still being appended: keep it for the next read.
        remainder = lines.pop() ?? '';
        for (const line of lines) this.addLine(state, line, source.accepted);
      }
      state.offsets.set(source.file, { offset, remainder });
    } finally {
      await handle.close();
    }
    return false;
  }

  private addLine(state: FolderState, line: string, accepted: boolean): void {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return; // a torn line left by a crash; the release de-duplicates and skips it too
    }
    const parsed = lineSchema.safeParse(raw);
    if (!parsed.success || !parsed.data.usage) return;
    const { iteration, pair, candidate, usage } = parsed.data;
    let pairs = state.pairs.get(iteration);
    if (!pairs) {
      pairs = new Map();
      state.pairs.set(iteration, pairs);
    }
    let tokens = pairs.get(pair);
    if (!tokens) {
      tokens = { rejected: new Map() };
      pairs.set(pair, tokens);
    }
    if (accepted) tokens.accepted = usage;
    else tokens.rejected.set(String(candidate ?? 'pair'), usage);
  }
}

function sourceFiles(runFolder: string, layout: 'work' | 'release', iterations: number): SourceFile[] {
  const files: SourceFile[] = [];
  for (let iteration = 1; iteration <= iterations; iteration++) {
    if (layout === 'work') {
      const folder = new RunFolder(runFolder);
      files.push({ file: folder.acceptedLines(iteration), accepted: true });
      files.push({ file: folder.rejectedLines(iteration), accepted: false });
    } else {
      files.push({ file: path.join(runFolder, 'iterations', `${iteration}.jsonl`), accepted: true });
    }
  }
  if (layout === 'release') files.push({ file: path.join(runFolder, 'rejected.jsonl'), accepted: false });
  return files;
}
