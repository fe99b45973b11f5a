import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';

/**
 * The strings that must never appear: each secret, and a 12-character piece of its middle
 * (a secret cut short or wrapped is still a leak).
 */
export function secretNeedles(secrets: readonly string[]): string[] {
  return secrets.flatMap((secret) => {
    const middle = Math.max(0, Math.floor(secret.length / 2) - 6);
    return [secret, secret.slice(middle, middle + 12)];
  });
}

/** Where a needle was found in a text, as `label` plus a short excerpt with the secret masked. */
export function findNeedles(label: string, text: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const needle of needles) {
    const index = text.indexOf(needle);
    if (index >= 0) {
      const excerpt = text
        .slice(Math.max(0, index - 60), index + needle.length + 60)
        .split(needle)
        .join('«SECRET»');
      found.push(`${label}: ${JSON.stringify(excerpt)}`);
    }
  }
  return found;
}

/** Every key matching `pattern` with every value, whatever its type, searched for the needles. */
export async function scanRedis(
  redis: Redis,
  pattern: string,
  needles: readonly string[],
): Promise<{ keys: number; found: string[] }> {
  const found: string[] = [];
  let keys = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      keys++;
      found.push(...findNeedles(`redis key name ${key}`, key, needles));
      const type = await redis.type(key);
      let values: Buffer[] = [];
      if (type === 'string') values = [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
      else if (type === 'hash')
        values = await redis
          .hgetallBuffer(key)
          .then((hash) => Object.entries(hash).flatMap(([field, value]) => [Buffer.from(field), value]));
      else if (type === 'list') values = await redis.lrangeBuffer(key, 0, -1);
      else if (type === 'set') values = await redis.smembersBuffer(key);
      else if (type === 'zset') values = await redis.zrangeBuffer(key, '0', '-1');
      else if (type === 'stream')
        values = (await redis.xrangeBuffer(key, '-', '+')).flatMap(([, fields]) => fields);
      const text = Buffer.concat(values).toString('latin1');
      found.push(...findNeedles(`redis ${type} ${key}`, text, needles));
    }
  } while (cursor !== '0');
  return { keys, found };
}

/** Every file under `folder` (hidden ones and `.work/` included), except those in `skip`. */
export async function scanFiles(
  folder: string,
  needles: readonly string[],
  skip: ReadonlySet<string> = new Set(),
): Promise<{ files: number; found: string[] }> {
  const found: string[] = [];
  let files = 0;
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const file = path.join(current, entry.name);
      if (skip.has(file)) continue;
      if (entry.isDirectory()) await walk(file);
      else if (entry.isFile()) {
        files++;
        found.push(...findNeedles(`file ${file}`, (await readFile(file)).toString('latin1'), needles));
      }
    }
  };
  await walk(folder);
  return { files, found };
}
