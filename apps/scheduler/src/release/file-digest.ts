import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** What a manifest pins about a file's bytes. */
export interface FileDigest {
  bytes: number;
  sha256: string;
  /** Newline characters. */
  lines: number;
}

/** sha256, size and newline count of a file, streamed (release files can be hundreds of MB). */
export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
    for (let index = buffer.indexOf(10); index !== -1; index = buffer.indexOf(10, index + 1)) lines += 1;
  }
  return { bytes, sha256: hash.digest('hex'), lines };
}
