import { describe, expect, it } from 'vitest';
import { detectSeedFormatFromText } from './detect-seed-format';

describe('detectSeedFormatFromText', () => {
  it.each([
    ['user 1 personas,user 2 personas,Best Generated Conversation\n"a', 'spc-csv'],
    ['\uFEFFuser 1 personas,user 2 personas,Best Generated Conversation\r\n', 'spc-csv'],
    ['persona a,persona b,talk\n', 'spc-csv'],
    ['1 your persona: i like cats .\n2 your persona: i am tall .\n', 'parlai-txt'],
    ["1 partner's persona: i swim .\n", 'parlai-txt'],
    ['1 hello there\thi !\t\ta|b\n', 'parlai-txt'],
    ['[{"personality": ["i run ."], "utterances": []}]', 'hf-json'],
    ['{\n  "train": [\n    {', 'hf-json'],
    ['{"train": [{"personality": [], "utterances": []}], "valid": []}', 'hf-json'],
    ['{"train": [{"personality": ["very long and cut at 64 KB', 'hf-json'],
    ['{"id":"a","user1Persona":[],"user2Persona":[],"turns":[]}\n{"id":"b"', 'parley-jsonl'],
    ['  \n{"id":"a","turns":[]}', 'parley-jsonl'],
  ])('%j is %s', (head, format) => {
    expect(detectSeedFormatFromText(head)).toBe(format);
  });

  it('gives up on text it cannot place', () => {
    expect(detectSeedFormatFromText('just some prose\nwithout structure')).toBeUndefined();
    expect(detectSeedFormatFromText('   \n')).toBeUndefined();
  });

  it('looks at the content, not the name: a CSV named .jsonl is still CSV', () => {
    // readSeed passes only content; this documents that the extension plays no part.
    expect(detectSeedFormatFromText('user 1 personas,user 2 personas,Best Generated Conversation\n')).toBe(
      'spc-csv',
    );
  });
});
