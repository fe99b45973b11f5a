/**
 * Pairs of words that cannot both hold of one person ("I love dogs" / "I hate dogs", "I have
 * a son" / "I have a daughter"). Each maps both ways unless only one direction reads well.
 */
const OPPOSITES: ReadonlyArray<readonly [string, string, 'both' | 'forward']> = [
  ['love', 'hate', 'both'],
  ['loves', 'hates', 'both'],
  ['loved', 'hated', 'both'],
  ['enjoy', 'hate', 'forward'],
  ['enjoys', 'hates', 'forward'],
  ['married', 'single', 'both'],
  ['unmarried', 'married', 'forward'],
  ['divorced', 'married', 'forward'],
  ['older', 'younger', 'both'],
  ['oldest', 'youngest', 'both'],
  ['big', 'small', 'both'],
  ['tall', 'short', 'forward'],
  ['early', 'late', 'both'],
  ['morning', 'evening', 'both'],
  ['summer', 'winter', 'both'],
  ['introvert', 'extrovert', 'both'],
  ['introverted', 'extroverted', 'both'],
  ['shy', 'outgoing', 'both'],
  ['male', 'female', 'both'],
  ['man', 'woman', 'both'],
  ['men', 'women', 'both'],
  ['boy', 'girl', 'both'],
  ['boys', 'girls', 'both'],
  ['husband', 'wife', 'both'],
  ['son', 'daughter', 'both'],
  ['sons', 'daughters', 'both'],
  ['brother', 'sister', 'both'],
  ['brothers', 'sisters', 'both'],
  ['dog', 'cat', 'both'],
  ['dogs', 'cats', 'both'],
  ['always', 'never', 'both'],
  ['hot', 'cold', 'both'],
  ['rich', 'poor', 'both'],
  ['happy', 'unhappy', 'both'],
  ['loud', 'quiet', 'both'],
  ['fast', 'slow', 'both'],
  ['best', 'worst', 'both'],
  ['favorite', 'least favorite', 'forward'],
  ['favourite', 'least favourite', 'forward'],
  ['first', 'last', 'both'],
];

const WORD_OPPOSITE: ReadonlyMap<string, string> = new Map(
  OPPOSITES.flatMap(([word, opposite, direction]) =>
    direction === 'both'
      ? [
          [word, opposite],
          [opposite, word],
        ]
      : [[word, opposite]],
  ),
);

/** "like" is also a preposition ("I look like my dad"): swap it only after a subject or adverb. */
const LIKE_AFTER = new Set([
  'i',
  'really',
  'also',
  'just',
  'still',
  'truly',
  'we',
  'they',
  'do',
  'definitely',
]);

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/**
 * A statement that contradicts `attribute` without being its negation: one word swapped for its
 * opposite ("I love cats." → "I hate cats.", "I have two sons." → "I have two daughters.") or a
 * count changed ("I have two sons." → "I have five sons."). Undefined when no rule applies.
 */
export function contradictAttribute(attribute: string): string | undefined {
  const text = attribute.trim().replace(/[\u2018\u2019`]/g, "'");
  const tokens = [...text.matchAll(/[A-Za-z]+(?:'[a-z]+)?|\d+/g)];
  let previous = '';
  for (const token of tokens) {
    const word = token[0];
    const lower = word.toLowerCase();
    let replacement: string | undefined;
    if (/^\d+$/.test(word)) replacement = String(changedCount(Number(word)));
    else if (NUMBER_WORDS.includes(lower) && lower !== 'one') {
      replacement = NUMBER_WORDS[(NUMBER_WORDS.indexOf(lower) + 3) % NUMBER_WORDS.length];
    } else if ((lower === 'like' || lower === 'likes') && LIKE_AFTER.has(previous)) {
      replacement = lower === 'like' ? 'hate' : 'hates';
    } else if (lower === 'afraid' || lower === 'scared') replacement = 'fond';
    else replacement = WORD_OPPOSITE.get(lower);
    previous = lower;
    if (replacement === undefined) continue;
    const cased = word[0] === word[0]!.toUpperCase() ? capitalize(replacement) : replacement;
    return `${text.slice(0, token.index)}${cased}${text.slice(token.index + word.length)}`;
  }
  return undefined;
}

/** Another count: years move back, small numbers up, ages and the like further. */
function changedCount(value: number): number {
  if (value >= 1900 && value <= 2100) return value - 8;
  return value < 10 ? value + 3 : value + 20;
}

function capitalize(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}
