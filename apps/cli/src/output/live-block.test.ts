import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LiveBlock } from './live-block';

/** A stand-in terminal that records what is written to it. */
function terminal(columns: number, rows: number) {
  const stream = Object.assign(new PassThrough(), { columns, rows, isTTY: true });
  let written = '';
  stream.on('data', (chunk) => {
    written += String(chunk);
  });
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => written };
}

describe('LiveBlock', () => {
  it('redraws in place: back to the first line, each line over the old one, cut to the width', async () => {
    const { stream, written } = terminal(20, 10);
    const block = new LiveBlock(stream);
    block.render(['one', 'two']);
    block.render(['a line much longer than twenty columns', 'b', 'c']);
    block.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written()).toBe(
      'one\u001b[0K\ntwo\u001b[0K\n\u001b[0J' +
        '\r\u001b[2Aa line much longer…\u001b[0K\nb\u001b[0K\nc\u001b[0K\n\u001b[0J',
    );
  });

  it('keeps a block taller than the terminal to its height', async () => {
    const { stream, written } = terminal(40, 4);
    new LiveBlock(stream).render(['1', '2', '3', '4', '5', '6']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written()).toContain('1\u001b[0K\n2\u001b[0K\n… 4 more lines\u001b[0K\n');
  });
});
