import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * A temp file name beside `target` (same folder, so the final rename stays on one file
 * system and is atomic), hidden and unique per process and call.
 */
export function tempPathFor(target: string): string {
  const unique = `${process.pid}.${randomBytes(6).toString('hex')}`;
  return path.join(path.dirname(target), `.${path.basename(target)}.${unique}.tmp`);
}
