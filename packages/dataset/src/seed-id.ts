import path from 'node:path';

/**
 * The stem seed ids start with: the file name without its extension, reduced to
 * `[A-Za-z0-9_.-]` so an id can be part of a job id or Redis key (no ':').
 */
export function seedIdStem(file: string): string {
  const stem = path
    .basename(file, path.extname(file))
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return stem === '' ? 'seed' : stem;
}

/** `<stem>-<1-based record number>`, with an optional part between (a split name). */
export function seedId(stem: string, recordNumber: number, part?: string): string {
  return part
    ? `${stem}-${part.replace(/[^A-Za-z0-9_.-]+/g, '-')}-${recordNumber}`
    : `${stem}-${recordNumber}`;
}
