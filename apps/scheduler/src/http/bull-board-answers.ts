import os from 'node:os';
import path from 'node:path';

/** Frames kept of each stack trace: enough to see where a job failed. */
export const MAX_STACK_FRAMES = 10;

// An absolute path in a stack frame: `file:///srv/x.js`, `(/srv/x.js:1:2)`, `at /srv/x.js:1:2`,
// `C:\srv\x.js`. Not `node:internal/…`, not a URL's path (`http://host/v1`).
const FRAME_PATH = /file:\/\/(\/[^\s():]+)|(?<![\w.~:/-])(\/[^\s():]+)|(?<![\w])([A-Za-z]:\\[^\s():]+)/g;
const FRAME_LINE = /^\s*at\s/;

/**
 * A stack trace fit to show: the message lines, then at most MAX_STACK_FRAMES frames whose paths
 * are relative to `root` (or cut to the file name when outside it). Absolute paths tell a viewer
 * the machine's layout and user names; the file and line are what a person needs.
 */
export function trimStackTrace(trace: string, root: string): string {
  const lines = trace.split('\n');
  const firstFrame = lines.findIndex((line) => FRAME_LINE.test(line));
  const message = firstFrame < 0 ? lines : lines.slice(0, firstFrame);
  const frames = firstFrame < 0 ? [] : lines.slice(firstFrame);
  const kept = frames
    .slice(0, MAX_STACK_FRAMES)
    .map((line) =>
      line.replace(FRAME_PATH, (_match, fileUrl?: string, posix?: string, windows?: string) =>
        shortPath(fileUrl ?? posix ?? windows ?? '', root),
      ),
    );
  const dropped = frames.length - kept.length;
  return [
    ...message.map((line) => shortenKnownPaths(line, root)),
    ...kept,
    ...(dropped > 0 ? [`    … ${dropped} more frames`] : []),
  ].join('\n');
}

/**
 * Text (a failure reason, an error message) with the working directory and the home directory
 * taken out of any path that starts with them: `/srv/parley/seeds/x.jsonl` → `seeds/x.jsonl`.
 * Other text, URL paths included, is left alone.
 */
export function shortenKnownPaths(text: string, root: string): string {
  let result = text;
  for (const [prefix, replacement] of [
    [root, ''],
    [os.homedir(), '~/'],
  ] as const) {
    // `/` itself is a prefix of every path and of every URL path.
    if (!prefix || path.parse(prefix).root === prefix) continue;
    result = result.split(`${prefix}${path.sep}`).join(replacement);
  }
  return result;
}

function shortPath(absolute: string, root: string): string {
  const windows = /^[A-Za-z]:\\/.test(absolute);
  const relative = windows ? '' : path.posix.relative(root, absolute);
  if (relative && !relative.startsWith('..')) return relative;
  const name = windows ? path.win32.basename(absolute) : path.posix.basename(absolute);
  return `…/${name}`;
}

/**
 * A Bull Board answer with every job's stack trace trimmed (trimStackTrace) and its failure
 * reason shortened (shortenKnownPaths), wherever jobs appear: queue listings, one job, flows.
 */
export function trimJobTraces<T>(body: T, root: string): T {
  const visit = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object' || depth > 32) return value;
    if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1));
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === 'stacktrace' && Array.isArray(item))
        result[key] = item.map((entry) => (typeof entry === 'string' ? trimStackTrace(entry, root) : entry));
      else if (key === 'failedReason' && typeof item === 'string')
        result[key] = shortenKnownPaths(item, root);
      else result[key] = visit(item, depth + 1);
    }
    return result;
  };
  return visit(body, 0) as T;
}

interface RedisStats {
  backend?: unknown;
  uptime?: unknown;
  memory?: { total?: unknown; used?: unknown; peak?: unknown; fragmentationRatio?: unknown };
  clients?: { connected?: unknown; blocked?: unknown };
}

/** What the Redis panel gets: RedisStats and a `version` that names none. */
export interface ShownRedisStats extends RedisStats {
  version: 'hidden';
}

/**
 * Bull Board's Redis panel without what identifies the server: no version, mode, port or
 * operating system (kernel release and architecture). What the panel draws from the rest stays:
 * memory use against the limit, connected and blocked clients, uptime. `version` reads `hidden`,
 * since the panel shows that row whatever it holds. An error answer passes unchanged.
 */
export function reduceRedisStats<T>(body: T): T | ShownRedisStats {
  if (body === null || typeof body !== 'object' || 'error' in body) return body;
  const stats = body as RedisStats;
  return {
    backend: stats.backend,
    version: 'hidden',
    uptime: stats.uptime,
    memory: stats.memory && {
      total: stats.memory.total,
      used: stats.memory.used,
      peak: stats.memory.peak,
      fragmentationRatio: stats.memory.fragmentationRatio,
    },
    clients: stats.clients && { connected: stats.clients.connected, blocked: stats.clients.blocked },
  };
}
