import { randomBytes } from 'node:crypto';
import { assertIdPart } from '@parley/core';

/** `<name>-<yyyymmdd>-<hhmmss>-<4 hex>`: sortable, unique, and valid inside job ids. */
export function newRunId(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const id = `${name}-${stamp}-${randomBytes(2).toString('hex')}`;
  assertIdPart('run', id);
  return id;
}
