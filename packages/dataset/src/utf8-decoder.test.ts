import { describe, expect, it } from 'vitest';
import { Utf8Decoder } from './utf8-decoder';

/** Feeds `bytes` in chunks of `size` and returns the decoded text. */
function decodeInChunks(decoder: Utf8Decoder, bytes: Uint8Array, size: number): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += size)
    text += decoder.decode(bytes.subarray(start, start + size));
  return text + decoder.end();
}

describe('Utf8Decoder', () => {
  const sample = 'héllo wörld\n€ 𝄞 ok\r\nlast\r';

  it('decodes code points cut by any chunk boundary, turns CRLF into LF and keeps a lone CR', () => {
    const bytes = new TextEncoder().encode(sample);
    for (const size of [1, 2, 3, 5, 64]) {
      const decoder = new Utf8Decoder();
      expect(decodeInChunks(decoder, bytes, size)).toBe('héllo wörld\n€ 𝄞 ok\nlast\r');
      expect(decoder.invalidLines).toEqual([]);
    }
  });

  it('strips a leading BOM only', () => {
    const bytes = new TextEncoder().encode('\uFEFFa\n\uFEFFb');
    expect(decodeInChunks(new Utf8Decoder(), bytes, 1)).toBe('a\n\uFEFFb');
  });

  it('replaces invalid bytes and remembers their lines, whatever the chunking', () => {
    const bytes = Buffer.concat([
      Buffer.from('ok\nbad '),
      Buffer.from([0xff]),
      Buffer.from(' here\nfine\nlone lead '),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('\ncut at end '),
      Buffer.from([0xf0, 0x9d]),
    ]);
    for (const size of [1, 4, 1000]) {
      const decoder = new Utf8Decoder();
      const text = decodeInChunks(decoder, bytes, size);
      expect(decoder.invalidLines).toEqual([2, 4, 5]);
      expect(text.split('\n')).toHaveLength(5);
      expect(text).toContain('bad \uFFFD here');
      expect(decoder.firstInvalidLineBetween(3, 4)).toBe(4);
      expect(decoder.firstInvalidLineBetween(1, 1)).toBeUndefined();
    }
  });
});
