import type { IncomingMessage } from 'node:http';

/**
 * Collects a request's body, calling `done` once: with the bytes, or with an error when the body
 * exceeds `maxBytes` (message `too large`; the rest is drained unread) or the stream fails.
 */
export function readRequestBody(
  request: IncomingMessage,
  maxBytes: number,
  done: (error: Error | undefined, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes && !failed) {
      failed = true;
      done(new Error('too large'), Buffer.alloc(0));
      request.resume();
      return;
    }
    if (!failed) chunks.push(chunk);
  });
  request.on('end', () => {
    if (!failed) done(undefined, Buffer.concat(chunks));
  });
  request.on('error', (error) => {
    if (!failed) {
      failed = true;
      done(error, Buffer.alloc(0));
    }
  });
}
