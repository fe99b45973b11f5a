import { describe, expect, it } from 'vitest';
import { alternating, groundedConversation } from './test-fixtures';
import { compileWordlist, createToxicityWordlistExpert } from './toxicity-wordlist-expert';

describe('toxicity word list', () => {
  const matcher = compileWordlist(['ass', 'idiot', 'kill yourself', 'shit']);

  it('matches whole words only, with plain inflections', () => {
    expect(matcher('My class is in the Assembly hall, said the assassin.')).toEqual([]);
    expect(matcher('What an IDIOT. Idiots everywhere!')).toEqual(['idiot', 'idiots']);
    // Short entries match only as written.
    expect(matcher('Shit happens; shitting is not listed')).toEqual(['shit']);
    expect(compileWordlist(['spic'])('a spiced, spicy dish by Mr Spicer')).toEqual([]);
  });

  it('matches phrases across any whitespace, and not inside longer words', () => {
    expect(matcher('just go kill   yourself')).toEqual(['kill   yourself']);
    expect(matcher('skill yourself up')).toEqual([]);
  });

  it('fails a conversation with a listed word and names the line', async () => {
    const expert = createToxicityWordlistExpert({ extraWords: ['broccoli'] });
    expect((await expert.review(groundedConversation('clean'), {})).passed).toBe(true);
    const rude = {
      ...groundedConversation('rude'),
      turns: alternating('Hi!', 'Shut up, you idiot.', 'I hate broccoli.'),
    };
    const verdict = await expert.review(rude, {});
    expect(verdict).toMatchObject({ expert: 'toxicity', kind: 'filter', passed: false });
    expect(verdict.rationale).toBe('word list: "idiot" on line 2, "broccoli" on line 3');
  });
});
