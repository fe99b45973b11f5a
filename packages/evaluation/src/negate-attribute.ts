/**
 * A rule-based negator for first-person persona attributes, the distractor of the faithfulness
 * test that says the opposite of a real attribute ("I have a dog." → "I do not have a dog.").
 * It covers the shapes persona sets are written in (SPC: 8.7k sentences, ~60% start "I am",
 * "I have", "I love", "I like", "My favorite"); a sentence it cannot negate safely yields
 * undefined and the caller picks another attribute.
 */
export function negateAttribute(attribute: string): string | undefined {
  const text = attribute
    .trim()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/\s+/g, ' ');
  const parts = /^(.*?)([.!?]*)$/s.exec(text);
  const body = parts?.[1]?.trim() ?? '';
  const end = parts?.[2] ?? '';
  if (body === '') return undefined;
  const { lead, clause } = splitLeadingPhrase(body);
  const words = clause.split(' ');
  const first = words[0]!.toLowerCase();
  const negated =
    first === 'i' || first.startsWith("i'")
      ? negateFirstPerson(words)
      : first === 'my'
        ? negatePossessive(words)
        : negateBeVerb(words, 0);
  if (negated === undefined) return undefined;
  const sentence = `${lead}${negated.join(' ')}`;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${end}`;
}

const SUBJECT = /^(?:i|i'm|i've|i'd|i'll|my)$/i;

/** "When I was young, I lived in Ohio": the main clause starts after the comma. */
function splitLeadingPhrase(body: string): { lead: string; clause: string } {
  const firstWord = body.split(' ', 1)[0]!;
  if (SUBJECT.test(firstWord)) return { lead: '', clause: body };
  const match = /^([^,]{1,80},\s+)(.*)$/.exec(body);
  if (match && SUBJECT.test(match[2]!.split(' ', 1)[0]!)) return { lead: match[1]!, clause: match[2]! };
  return { lead: '', clause: body };
}

/** Adverbs between "I" and the verb; dropped from the negation ("I also have" → "I do not have"). */
const ADVERBS = new Set([
  'also',
  'just',
  'still',
  'even',
  'often',
  'usually',
  'sometimes',
  'always',
  'never',
  'now',
  'already',
  'mostly',
  'only',
  'once',
  'too',
  'generally',
  'currently',
  'recently',
  'really',
  'actually',
  'definitely',
  'absolutely',
  'truly',
  'totally',
]);
/** Verbs that end in -ly and so look like adverbs. */
const LY_VERBS = new Set(['fly', 'apply', 'reply', 'rely', 'supply', 'comply', 'imply', 'multiply', 'rally']);
/** Words ending in -ed that are not past tenses. */
const ED_PRESENT = new Set([
  'need',
  'feed',
  'breed',
  'bleed',
  'speed',
  'succeed',
  'exceed',
  'proceed',
  'shred',
]);
const IRREGULAR_PAST = new Set([
  'went',
  'grew',
  'got',
  'made',
  'met',
  'lost',
  'won',
  'took',
  'came',
  'became',
  'bought',
  'built',
  'broke',
  'drove',
  'fell',
  'found',
  'gave',
  'knew',
  'left',
  'ran',
  'saw',
  'sang',
  'spent',
  'taught',
  'told',
  'thought',
  'wrote',
  'began',
  'sold',
  'sent',
  'did',
  'ate',
  'flew',
  'rode',
  'swam',
  'wore',
  'caught',
  'brought',
  'fought',
  'felt',
  'kept',
  'slept',
  'held',
  'stood',
  'understood',
  'paid',
  'said',
]);
/** Past participles after have/has/had that make a perfect tense ("I have been", "I have seen"). */
const PARTICIPLES = new Set([
  'been',
  'gone',
  'seen',
  'done',
  'had',
  'made',
  'taken',
  'given',
  'known',
  'grown',
  'written',
  'eaten',
  'driven',
  'flown',
  'won',
  'lost',
  'met',
  'got',
  'gotten',
  'become',
  'begun',
  'run',
  'read',
  'spent',
  'taught',
  'bought',
  'built',
  'lived',
  'ever',
  'already',
  'just',
  'recently',
]);
const MODALS = new Set(['will', 'would', 'could', 'should', 'must', 'might', 'may', 'shall']);
const NEGATIVE_CONTRACTIONS: Record<string, string> = {
  "can't": 'can',
  cannot: 'can',
  "won't": 'will',
  "wouldn't": 'would',
  "couldn't": 'could',
  "shouldn't": 'should',
  "mustn't": 'must',
  "don't": 'do',
  "doesn't": 'does',
  "didn't": 'did',
  "haven't": 'have',
  "hasn't": 'has',
  "hadn't": 'had',
  "isn't": 'is',
  "aren't": 'are',
  "wasn't": 'was',
  "weren't": 'were',
};
const BE_VERBS = new Set(['am', 'is', 'are', 'was', 'were']);
/** Words that start another clause: an auxiliary after them belongs to that clause. */
const CLAUSE_BREAKERS = new Set([
  'that',
  'who',
  'which',
  'where',
  'when',
  'because',
  'and',
  'but',
  'while',
  'since',
  'so',
  'if',
  'or',
]);

function bare(word: string | undefined): string {
  return (word ?? '').toLowerCase().replace(/[,;:]+$/, '');
}

function isAdverb(word: string): boolean {
  return ADVERBS.has(word) || (word.length > 4 && word.endsWith('ly') && !LY_VERBS.has(word));
}

function isPast(word: string): boolean {
  return IRREGULAR_PAST.has(word) || (word.length > 4 && word.endsWith('ed') && !ED_PRESENT.has(word));
}

/** -ed words that are adjectives after "have" ("I have webbed toes"), not perfect tenses. */
const ED_ADJECTIVES = new Set([
  'webbed',
  'curled',
  'pierced',
  'tattooed',
  'freckled',
  'crooked',
  'talented',
  'gifted',
  'skilled',
  'limited',
  'mixed',
  'colored',
  'coloured',
]);

function isParticiple(word: string): boolean {
  return (
    PARTICIPLES.has(word) ||
    (word.length > 4 && word.endsWith('ed') && !ED_PRESENT.has(word) && !ED_ADJECTIVES.has(word))
  );
}

/** `words` start with "I", "I'm", "I've", "I'd" or "I'll". */
function negateFirstPerson(words: string[]): string[] | undefined {
  const first = bare(words[0]);
  const rest = words.slice(1);
  const afterNot = (list: string[]) => (['not', 'never'].includes(bare(list[0])) ? list.slice(1) : undefined);
  switch (first) {
    case "i'm":
      return ['I', 'am', ...(afterNot(rest) ?? ['not', ...rest])];
    case "i've":
      return ['I', 'have', ...(afterNot(rest) ?? ['not', ...rest])];
    case "i'd":
      return ['I', 'would', ...(afterNot(rest) ?? ['not', ...rest])];
    case "i'll":
      return ['I', 'will', ...(afterNot(rest) ?? ['not', ...rest])];
    case 'i':
      break;
    default:
      return undefined;
  }
  let index = 0;
  const adverbs: string[] = [];
  while (index < rest.length - 1 && isAdverb(bare(rest[index]))) adverbs.push(bare(rest[index++]));
  const verb = bare(rest[index]);
  const after = rest.slice(index + 1);
  if (verb === '') return undefined;
  // "I never eat meat" → "I eat meat"; "I always wanted" → "I never wanted".
  if (adverbs.includes('never')) return ['I', ...rest.filter((word) => bare(word) !== 'never')];
  if (adverbs.includes('always')) return ['I', 'never', ...rest.slice(index)];
  const positive = NEGATIVE_CONTRACTIONS[verb];
  // "I don't swim" → "I swim"; "I can't swim" → "I can swim"; "I didn't go" → "I did go".
  if (positive !== undefined) return positive === 'do' ? ['I', ...after] : ['I', positive, ...after];
  if (verb === 'am' || verb === 'was' || verb === 'were' || MODALS.has(verb) || verb === 'can') {
    const withoutNot = afterNot(after);
    if (withoutNot) return ['I', verb, ...withoutNot];
    return verb === 'can' ? ['I', 'cannot', ...after] : ['I', verb, 'not', ...after];
  }
  if (verb === 'do' || verb === 'did') {
    const withoutNot = afterNot(after);
    if (withoutNot) return ['I', ...(verb === 'did' ? ['did'] : []), ...withoutNot];
    return verb === 'do' ? ['I', 'do', 'not', 'do', ...after] : ['I', 'never', 'did', ...after];
  }
  if (verb === 'have' || verb === 'had') return ['I', ...negateHave(verb, after, 'first')];
  if (verb === 'used' && bare(after[0]) === 'to') return ['I', 'never', 'used', ...after];
  if (isPast(verb)) return ['I', 'never', rest[index]!, ...after];
  return ['I', 'do', 'not', rest[index]!, ...after];
}

/**
 * have / has / had: "have not" before a participle (perfect tense), "have" without its "not"
 * or "no", else "do not have" (possession).
 */
function negateHave(verb: string, after: string[], person: 'first' | 'third' | 'plural'): string[] {
  const next = bare(after[0]);
  if (next === 'not' || next === 'never' || next === 'no') return [verb, ...after.slice(1)];
  if (next === 'always') return [verb, 'never', ...after.slice(1)];
  if (isParticiple(next)) return [verb, 'not', ...after];
  if (verb === 'had') return ['did', 'not', 'have', ...after];
  return [person === 'third' ? 'does' : 'do', 'not', 'have', ...after];
}

/** `words` start with "My": find the verb of "My <noun phrase>" and negate it. */
function negatePossessive(words: string[]): string[] | undefined {
  let limit = words.length;
  for (let index = 2; index < words.length; index++) {
    if (CLAUSE_BREAKERS.has(bare(words[index]))) {
      limit = index;
      break;
    }
    if (/[,;:]$/.test(words[index]!)) {
      limit = index + 1;
      break;
    }
  }
  // An auxiliary anywhere in the main clause ("My favorite food is pizza").
  for (let index = 2; index < limit; index++) {
    const word = bare(words[index]);
    const before = words.slice(0, index);
    const after = words.slice(index + 1);
    const positive = NEGATIVE_CONTRACTIONS[word];
    if (positive !== undefined) return [...before, positive, ...after];
    if (BE_VERBS.has(word) || MODALS.has(word) || word === 'can') {
      const next = bare(after[0]);
      if (next === 'not' || next === 'never') return [...before, word, ...after.slice(1)];
      return word === 'can' ? [...before, 'cannot', ...after] : [...before, word, 'not', ...after];
    }
    if (word === 'has' || word === 'have' || word === 'had') {
      const person = word === 'has' ? 'third' : 'plural';
      return [...before, ...negateHave(word, after, person)];
    }
    // "do" without "not" is too often a main verb or a noun ("tae kwon do") to negate here.
    if ((word === 'does' || word === 'do' || word === 'did') && bare(after[0]) === 'not') {
      return [...before, word, ...after.slice(1)];
    }
  }
  // No auxiliary: the first word that reads as a verb ("My family lives", "My dad drove").
  let adverbStart: number | undefined;
  for (let index = 2; index < limit; index++) {
    const word = bare(words[index]);
    // Adverbs just before the verb are dropped ("My brother just got married" → "never got").
    const before = words.slice(0, adverbStart ?? index);
    const after = words.slice(index + 1);
    if (word === 'never') return [...before, ...after];
    if (word === 'always') return [...before, 'never', ...after];
    if (isAdverb(word)) {
      adverbStart ??= index;
      continue;
    }
    adverbStart = undefined;
    if (isPast(word)) return [...before, 'never', words[index]!, ...after];
    if (/[a-z]s$/.test(word) && !/(?:ss|us|is|'s)$/.test(word)) {
      return [...before, 'does', 'not', baseOfThirdPerson(word), ...after];
    }
    if (/s$/.test(bare(words[index - 1])) && /^[a-z]+$/.test(word)) {
      return [...before, 'do', 'not', words[index]!, ...after];
    }
  }
  return undefined;
}

/** "Horses are my favorite animal" → "Horses are not my favorite animal". */
function negateBeVerb(words: string[], from: number): string[] | undefined {
  for (let index = from; index < words.length; index++) {
    const word = bare(words[index]);
    if (index > 0 && CLAUSE_BREAKERS.has(word)) return undefined;
    const before = words.slice(0, index);
    const after = words.slice(index + 1);
    const positive = NEGATIVE_CONTRACTIONS[word];
    if (positive !== undefined && BE_VERBS.has(positive)) return [...before, positive, ...after];
    if (BE_VERBS.has(word) && index > 0) {
      if (bare(after[0]) === 'not') return [...before, word, ...after.slice(1)];
      return [...before, word, 'not', ...after];
    }
  }
  return undefined;
}

/** lives → live, watches → watch, flies → fly, goes → go, has → have. */
function baseOfThirdPerson(word: string): string {
  if (word === 'has') return 'have';
  if (word === 'does') return 'do';
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(?:ch|sh|ss|x|z|o)es$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}
