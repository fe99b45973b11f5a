import { describe, expect, it } from 'vitest';
import { embedText, encodeEmbeddingBase64 } from './embedding-vectors';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
  return dot;
}

describe('embedText', () => {
  it('gives unit vectors, deterministically', () => {
    const vector = embedText('I have a turtle named Timothy.', 256);
    expect(cosine(vector, vector)).toBeCloseTo(1, 5);
    expect(Array.from(embedText('I have a turtle named Timothy.', 256))).toEqual(Array.from(vector));
    expect(cosine(embedText('...', 32), embedText('...', 32))).toBeCloseTo(1, 5);
  });

  it('puts paraphrases and shared topics closer than unrelated texts', () => {
    const similarity = (a: string, b: string) => cosine(embedText(a, 1536), embedText(b, 1536));
    const nearDuplicate = similarity('I just bought a brand new house.', 'I just bought a new house.');
    const sameTopic = similarity('I love hiking on weekends.', 'I go hiking every weekend.');
    const unrelated = similarity('I love hiking on weekends.', 'My favorite color is blue.');
    expect(nearDuplicate).toBeGreaterThan(0.8);
    expect(sameTopic).toBeGreaterThan(0.4);
    expect(unrelated).toBeLessThan(0.15);
    expect(similarity('I have a dog.', 'I have two dogs.')).toBeGreaterThan(
      similarity('I have a dog.', 'I have a cat.'),
    );
  });

  it('encodes as little-endian float32 base64, as the OpenAI SDK decodes it', () => {
    const vector = embedText('hello world', 8);
    const bytes = Buffer.from(encodeEmbeddingBase64(vector), 'base64');
    expect(bytes.length).toBe(32);
    expect(bytes.readFloatLE(4)).toBe(vector[1]);
  });
});
