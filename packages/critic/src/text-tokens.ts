import { STOP_WORDS } from './stop-words';

const WORD_PATTERN = /[a-z0-9]+(?:'[a-z]+)?/g;

/** Lower-cased word tokens; curly apostrophes are folded so "I’m" and "I'm" agree. */
export function wordTokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/[\u2018\u2019`]/g, "'")
      .match(WORD_PATTERN) ?? []
  );
}

/**
 * A light stemmer ("lemmas-lite"): folds plurals, -ing, -ed and a final -e so that "dogs",
 * "dancing", "danced" and "dance" meet as "dog" and "danc". It over-merges a little, which
 * costs nothing here: stems are only compared with stems made by the same function.
 */
export function stem(word: string): string {
  let base = word.endsWith("'s") ? word.slice(0, -2) : word;
  if (base.length <= 3) return base;
  if (base.endsWith('ies') && base.length > 4) base = `${base.slice(0, -3)}y`;
  else if (base.endsWith('sses')) base = base.slice(0, -2);
  else if (base.endsWith('s') && !/(ss|us|is)$/.test(base)) base = base.slice(0, -1);
  if (base.endsWith('ing') && base.length > 5) base = undoubleConsonant(base.slice(0, -3));
  else if (base.endsWith('ed') && base.length > 4) base = undoubleConsonant(base.slice(0, -2));
  if (base.endsWith('e') && base.length > 3) base = base.slice(0, -1);
  return base;
}

function undoubleConsonant(base: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(base) && !/(ll|ss|zz)$/.test(base) ? base.slice(0, -1) : base;
}

/** Stems of the content words of a text: stop words and one-letter tokens removed, in order. */
export function contentStems(text: string): string[] {
  return contentStemsOfWords(wordTokens(text));
}

/** contentStems of words already split by wordTokens (some of them left out, say). */
export function contentStemsOfWords(words: Iterable<string>): string[] {
  const stems: string[] = [];
  for (const token of words) {
    if (token.length < 2 || STOP_WORDS.has(token)) continue;
    const stemmed = stem(token);
    if (stemmed.length >= 2 && !STOP_WORDS.has(stemmed)) stems.push(stemmed);
  }
  return stems;
}
