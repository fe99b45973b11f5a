import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CacheStore } from './cache-store';

export interface FileCacheStoreOptions {
  /** The cache folder; entries go in `<dir>/v2/<first two hex digits>/<key>.json`. */
  dir: string;
  /** Pruning keeps the entries' total size at most this. */
  maxBytes: number;
  /** Entries older than this are misses, and pruning removes them. */
  maxAgeMs: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

export interface PruneReport {
  kept: number;
  keptBytes: number;
  removedExpired: number;
  removedForSize: number;
}

const KEY = /^[0-9a-f]{64}$/;
const ENTRY_FILE = /^[0-9a-f]{64}\.json$/;
/** A writer's temporary file left by a killed process is removed after this long. */
const STALE_TEMP_MS = 3_600_000;
/** How often one process walks the folder at most, unless it wrote a lot since. */
const PRUNE_INTERVAL_MS = 3_600_000;
/** Pruning down to this share of `maxBytes`, so the next writes do not prune again at once. */
const PRUNE_TARGET = 0.9;

/**
 * The response cache as files, one per entry, on the local disk: no server to run, survives
 * restarts, shared by every process of the machine. Writes go to a temporary file renamed into
 * place, so a reader never sees half an entry and concurrent writers of one key are safe (the
 * last rename wins; both entries were complete). Bounded by age (checked on read, removed by
 * pruning, from the write's modification time) and total size (pruning removes the least
 * recently used entries: a hit sets its file's access time).
 */
export class FileCacheStore implements CacheStore {
  private readonly root: string;
  private readonly now: () => number;
  private writtenSincePrune = 0;
  private pruning: Promise<PruneReport> | undefined;
  private lastPruneCheck = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: FileCacheStoreOptions) {
    this.root = path.join(options.dir, 'v2');
    this.now = options.now ?? Date.now;
  }

  async read(key: string): Promise<string | undefined> {
    const file = this.fileOf(key);
    let modified: Date;
    try {
      modified = (await stat(file)).mtime;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (this.now() - modified.getTime() > this.options.maxAgeMs) return undefined;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined; // pruned between stat and read
      throw error;
    }
    // Used now (access time): pruning for size removes the others first. The modification
    // time stays the write's, so a popular entry still ages out.
    await utimes(file, new Date(this.now()), modified).catch(() => undefined);
    return text;
  }

  async write(key: string, text: string): Promise<void> {
    const file = this.fileOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, text);
      await rename(temporary, file);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    this.writtenSincePrune += Buffer.byteLength(text);
    this.maybePrune();
  }

  /**
   * Removes expired entries and stale temporary files, then the least recently used entries
   * until the total is at most 90 % of `maxBytes`. Safe while other processes read, write or
   * prune: a file already gone is skipped.
   */
  async prune(): Promise<PruneReport> {
    const report: PruneReport = { kept: 0, keptBytes: 0, removedExpired: 0, removedForSize: 0 };
    const entries: Array<{ file: string; size: number; used: number }> = [];
    const now = this.now();
    for (const shard of await readdirOrEmpty(this.root)) {
      const folder = path.join(this.root, shard);
      for (const name of await readdirOrEmpty(folder)) {
        const file = path.join(folder, name);
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) continue;
        if (name.endsWith('.tmp')) {
          if (now - info.mtimeMs > STALE_TEMP_MS) await removeQuietly(file);
          continue;
        }
        if (!ENTRY_FILE.test(name)) continue;
        if (now - info.mtimeMs > this.options.maxAgeMs) {
          if (await removeQuietly(file)) report.removedExpired++;
          continue;
        }
        entries.push({ file, size: info.size, used: Math.max(info.atimeMs, info.mtimeMs) });
      }
    }
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    if (total > this.options.maxBytes) {
      entries.sort((a, b) => a.used - b.used);
      const target = this.options.maxBytes * PRUNE_TARGET;
      while (total > target && entries.length > 0) {
        const oldest = entries.shift()!;
        total -= oldest.size;
        if (await removeQuietly(oldest.file)) report.removedForSize++;
      }
    }
    report.kept = entries.length;
    report.keptBytes = total;
    return report;
  }

  /** Prunes in the background: once an hour per process, or after a tenth of `maxBytes` written. */
  private maybePrune(): void {
    if (this.pruning) return;
    const due =
      this.writtenSincePrune > this.options.maxBytes / 10 ||
      this.now() - this.lastPruneCheck > PRUNE_INTERVAL_MS;
    if (!due) return;
    this.lastPruneCheck = this.now();
    this.writtenSincePrune = 0;
    this.pruning = this.prune()
      .catch(() => ({ kept: 0, keptBytes: 0, removedExpired: 0, removedForSize: 0 }))
      .finally(() => {
        this.pruning = undefined;
      });
  }

  /** Resolves when a background prune started by a write has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.pruning;
  }

  private fileOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`cache key ${JSON.stringify(key)}: expected 64 hex digits`);
    return path.join(this.root, key.slice(0, 2), `${key}.json`);
  }
}

async function readdirOrEmpty(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

async function removeQuietly(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch {
    return false; // another process pruned it first
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
