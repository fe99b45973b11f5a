import { comparisonKey } from './comparison-key';

/** Which offline rule found the contradiction. */
export type ContradictionRule =
  | 'negation'
  | 'age'
  | 'count'
  | 'only-child'
  | 'marital-status'
  | 'gender'
  | 'name'
  | 'favorite'
  | 'diet'
  | 'employment'
  | 'antonym';

export type ContradictionFinding =
  | { contradiction: false }
  | { contradiction: true; rule: ContradictionRule };

/**
 * The offline consistency check used when no consistency model is configured: could one person
 * not truthfully say both attributes? Pattern rules, tuned for recall over precision (a false
 * alarm only makes profile building draw another attribute):
 * - negation: "I don't have any pets" / "I have a dog named Max", "I hate pizza" / "I love
 *   pizza" (love/like/enjoy/favorite count as "like", hate/dislike as "not like"; "dog" is a
 *   "pet", "beer" is "alcohol");
 * - exclusive facts: ages ("I am 25" / "I'm 60", "in my thirties"), explicit counts ("one
 *   brother" / "two brothers"), only child / siblings, married / single, man / woman, names,
 *   "my favorite X is Y" / "... is Z", vegan / steak lover, unemployed / "I work as";
 * - antonyms: introvert / outgoing, tall / short, morning person / night owl, rich / poor...
 * Past-tense clauses ("I used to have a dog", "I had a cat") take no part: they do not
 * contradict the present.
 */
export function detectContradiction(first: string, second: string): ContradictionFinding {
  const a = cachedAnalysis(first);
  const b = cachedAnalysis(second);
  const rule =
    negationConflict(a, b) ??
    negationConflict(b, a) ??
    ageConflict(a, b) ??
    countConflict(a, b) ??
    onlyChildConflict(a, b) ??
    onlyChildConflict(b, a) ??
    patternConflict(a.text, b.text);
  return rule ? { contradiction: true, rule } : { contradiction: false };
}

interface Clause {
  negated: boolean;
  past: boolean;
  words: Set<string>;
}

interface Analysis {
  /** Normalised text: lower case, contractions expanded, punctuation removed. */
  text: string;
  clauses: Clause[];
  /** Content words of the statement's present, affirmative clauses, with their hypernyms. */
  affirmed: Set<string>;
}

const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\b(?:i'm|im)\b/g, 'i am'],
  [/\b(?:i've|ive)\b/g, 'i have'],
  [/\bi'd\b/g, 'i would'],
  [/\bi'll\b/g, 'i will'],
  [/\bcan'?t\b|\bcannot\b/g, 'can not'],
  [/\bwon'?t\b/g, 'will not'],
  [/\b(do|does|did|is|are|was|were|have|has|had|would|could|should)n'?t\b/g, '$1 not'],
  [/\bno longer\b/g, 'not'],
  [/\bcan not stand\b/g, 'hate'],
];

// Words that carry no content for the negation rule. Verbs such as "have" stay: "I don't have a
// dog" and "I love dogs" are about different things.
const FUNCTION_WORDS = new Set(
  (
    'i me my myself a an the to of in on at for with from by and or but so as am is are be been being ' +
    'do does did not no never any anymore very really just much many lot lots too also ever even ' +
    'currently now right still that this these those it its there here will would can could should'
  ).split(' '),
);
const NEGATIONS = new Set(['not', 'no', 'never', 'nobody', 'nothing', 'neither', 'nor', 'none']);
const LIKING = new Set(['love', 'like', 'enjoy', 'adore', 'favorite', 'favourite', 'fan', 'prefer']);
const DISLIKING = new Set(['hate', 'dislike', 'detest', 'despise', 'loathe', 'abhor']);
const PAST_MARKERS =
  /\b(?:used to|had|was|were|ago|once|formerly|previously|as a (?:kid|child)|when i was)\b/;

const SYNONYMS: Record<string, string> = {
  kid: 'child',
  children: 'child',
  puppy: 'dog',
  pup: 'dog',
  doggy: 'dog',
  kitten: 'cat',
  kitty: 'cat',
  bunny: 'rabbit',
  automobile: 'car',
  vehicle: 'car',
  wed: 'married',
};
const HYPERNYMS: Record<string, string[]> = {
  pet: ['animal'],
  child: ['family'],
  son: ['child', 'family'],
  daughter: ['child', 'family'],
  baby: ['child', 'family'],
  brother: ['sibling', 'family'],
  sister: ['sibling', 'family'],
  husband: ['spouse', 'family'],
  wife: ['spouse', 'family'],
  wine: ['alcohol'],
  beer: ['alcohol'],
  vodka: ['alcohol'],
  whiskey: ['alcohol'],
  liquor: ['alcohol'],
  cocktail: ['alcohol'],
  steak: ['meat'],
  beef: ['meat'],
  bacon: ['meat'],
  pork: ['meat'],
  ham: ['meat'],
  burger: ['meat'],
  hamburger: ['meat'],
  sausage: ['meat'],
  chicken: ['meat'],
  car: ['vehicle'],
  truck: ['vehicle', 'car'],
  motorcycle: ['vehicle'],
};
for (const animal of 'dog cat fish bird turtle hamster rabbit snake parrot horse lizard ferret gerbil pig goat tortoise iguana'.split(
  ' ',
)) {
  HYPERNYMS[animal] = ['pet', 'animal'];
}

function stem(word: string): string {
  if (SYNONYMS[word]) return SYNONYMS[word];
  if (word.length > 3 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) {
    const singular = word.slice(0, -1);
    return SYNONYMS[singular] ?? singular;
  }
  return word;
}

/** A looser form for matching across inflections: cook/cooking/cooked, dance/dancing, run/running. */
function loose(word: string): string {
  let form = word;
  if (form.length > 5 && form.endsWith('ing')) form = form.slice(0, -3);
  else if (form.length > 4 && form.endsWith('ed')) form = form.slice(0, -2);
  else if (form.length > 3 && form.endsWith('e')) form = form.slice(0, -1);
  if (/([b-df-hj-np-tv-z])\1$/.test(form)) form = form.slice(0, -1);
  return form;
}

/** The form a content word is compared in. */
function canonical(token: string): string {
  return loose(stem(token));
}

const LIKING_FORMS = new Set([...LIKING].map(canonical));
const DISLIKING_FORMS = new Set([...DISLIKING].map(canonical));

// Hypernyms keyed and valued in canonical form, so "dogs" and "puppies" both affirm "pet".
const BROADER: Record<string, string[]> = Object.fromEntries(
  Object.entries(HYPERNYMS).map(([word, broader]) => [canonical(word), broader.map(canonical)]),
);
/** The single word every liking or disliking verb becomes. */
const LIKE = 'like';

function normalise(text: string): string {
  let normalised = comparisonKey(text.replace(/-/g, ' '));
  for (const [pattern, replacement] of CONTRACTIONS) normalised = normalised.replace(pattern, replacement);
  return normalised.replace(/'/g, '').replace(/\s+/g, ' ').trim();
}

// Profile building checks each attribute against many others: analyse each text once.
const ANALYSIS_CACHE = new Map<string, Analysis>();
const ANALYSIS_CACHE_LIMIT = 50_000;

function cachedAnalysis(text: string): Analysis {
  let analysis = ANALYSIS_CACHE.get(text);
  if (!analysis) {
    if (ANALYSIS_CACHE.size >= ANALYSIS_CACHE_LIMIT) ANALYSIS_CACHE.clear();
    analysis = analyse(text);
    ANALYSIS_CACHE.set(text, analysis);
  }
  return analysis;
}

function analyse(text: string): Analysis {
  const normalised = normalise(text);
  // Clauses split where negation and tense can change: "I love dogs, but I hate cats".
  const pieces = text
    .toLowerCase()
    .split(/[,;:]|\bbut\b|\band\b|\balthough\b|\bthough\b|\bwhile\b|\bbecause\b|\bwhereas\b|\bexcept\b/)
    .map(normalise)
    .filter((piece) => piece.length > 0);
  const clauses = pieces.map((piece): Clause => {
    let negated = false;
    const words = new Set<string>();
    for (const token of piece.split(' ')) {
      if (NEGATIONS.has(token)) {
        negated = !negated;
        continue;
      }
      if (FUNCTION_WORDS.has(token) || /^\d+$/.test(token)) continue;
      const form = canonical(token);
      if (DISLIKING_FORMS.has(form)) {
        negated = !negated;
        words.add(LIKE);
      } else if (LIKING_FORMS.has(form)) words.add(LIKE);
      else words.add(form);
    }
    return { negated, past: PAST_MARKERS.test(piece), words };
  });
  const affirmed = new Set<string>();
  for (const clause of clauses) {
    if (clause.negated || clause.past) continue;
    for (const word of clause.words) {
      affirmed.add(word);
      for (const broader of BROADER[word] ?? []) affirmed.add(broader);
    }
  }
  return { text: normalised, clauses, affirmed };
}

// A negated clause made of one of these alone says too little to contradict anything.
const WEAK_VERBS = new Set([
  LIKE,
  ...['have', 'do', 'go', 'get', 'make', 'want', 'know', 'think', 'need', 'try'].map(canonical),
]);

/** A present negated clause of `negative` whose every content word `positive` affirms. */
function negationConflict(negative: Analysis, positive: Analysis): ContradictionRule | undefined {
  for (const clause of negative.clauses) {
    if (!clause.negated || clause.past || clause.words.size === 0) continue;
    const words = [...clause.words];
    if (words.length === 1 && WEAK_VERBS.has(words[0] as string)) continue;
    if (words.every((word) => positive.affirmed.has(word))) return 'negation';
  }
  return undefined;
}

// --- exclusive facts -------------------------------------------------------------------------

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const DECADES: Record<string, number> = {
  teens: 10,
  twenties: 20,
  thirties: 30,
  forties: 40,
  fifties: 50,
  sixties: 60,
  seventies: 70,
  eighties: 80,
  nineties: 90,
};

/** A number written as digits or words ("25", "twenty five") at the start of `words`. */
function readNumber(words: readonly string[], start: number): { value: number; length: number } | undefined {
  const word = words[start];
  if (word === undefined) return undefined;
  if (/^\d{1,3}$/.test(word)) return { value: Number(word), length: 1 };
  if (UNITS[word] !== undefined) return { value: UNITS[word], length: 1 };
  const tens = TENS[word];
  if (tens === undefined) return undefined;
  const unit = UNITS[words[start + 1] ?? ''];
  return unit !== undefined && unit > 0 && unit < 10
    ? { value: tens + unit, length: 2 }
    : { value: tens, length: 1 };
}

const NOT_AN_AGE = new Set(
  'of feet foot ft inches inch cm centimeters meters pounds lbs lb kg kilos stone percent minutes hours days weeks months miles times'.split(
    ' ',
  ),
);

/** The speaker's age as a range: "i am 25", "i am 25 years old", "i am in my thirties". */
function ageRange(text: string): [number, number] | undefined {
  const words = text.split(' ');
  for (let index = 0; index + 2 < words.length; index++) {
    if (words[index] !== 'i' || words[index + 1] !== 'am') continue;
    const number = readNumber(words, index + 2);
    // "I am 25", "I am 25 years old", "I am 25 and ..."; not "I am 6 feet tall" or "I am one of six".
    if (number && !NOT_AN_AGE.has(words[index + 2 + number.length] ?? ''))
      return [number.value, number.value];
    if (words[index + 2] === 'in' && words[index + 3] === 'my') {
      const decade = words[index + 4] ?? '';
      const value = DECADES[decade] ?? (/^\d0s$/.test(decade) ? Number(decade.slice(0, 2)) : undefined);
      if (value !== undefined) return value === 10 ? [13, 19] : [value, value + 9];
    }
  }
  const stated = /\bmy age is (\d{1,3})\b/.exec(text);
  if (stated) return [Number(stated[1]), Number(stated[1])];
  if (/\bi am a teenager\b/.test(text)) return [13, 19];
  return undefined;
}

function ageConflict(a: Analysis, b: Analysis): ContradictionRule | undefined {
  const first = ageRange(a.text);
  const second = ageRange(b.text);
  if (!first || !second) return undefined;
  return first[1] < second[0] || second[1] < first[0] ? 'age' : undefined;
}

const COUNTABLE = new Set([
  'child',
  'son',
  'daughter',
  'brother',
  'sister',
  'sibling',
  'grandchild',
  'dog',
  'cat',
  'pet',
  'car',
  'horse',
  'job',
]);

/** Explicit counts of the speaker's countable things: "i have two dogs and one cat". */
function counts(text: string): Map<string, number> {
  const found = new Map<string, number>();
  if (!/\b(?:i|my)\b/.test(text)) return found;
  const words = text.split(' ');
  for (let index = 0; index < words.length; index++) {
    const number = readNumber(words, index);
    if (!number) continue;
    // The counted noun may follow an adjective: "two large dogs".
    for (const offset of [0, 1]) {
      const noun = stem(words[index + number.length + offset] ?? '');
      if (COUNTABLE.has(noun)) {
        if (!found.has(noun)) found.set(noun, number.value);
        break;
      }
    }
  }
  return found;
}

function countConflict(a: Analysis, b: Analysis): ContradictionRule | undefined {
  if (PAST_MARKERS.test(a.text) || PAST_MARKERS.test(b.text)) return undefined;
  const first = counts(a.text);
  const second = counts(b.text);
  for (const [noun, value] of first) {
    const other = second.get(noun);
    if (other !== undefined && other !== value) return 'count';
  }
  return undefined;
}

function onlyChildConflict(only: Analysis, other: Analysis): ContradictionRule | undefined {
  if (!/\bi am an only child\b/.test(only.text)) return undefined;
  return other.affirmed.has(canonical('sibling')) ? 'only-child' : undefined;
}

/** Pairs of patterns that one person cannot both match. */
const EXCLUSIVE_PATTERNS: Array<{ rule: ContradictionRule; first: RegExp; second: RegExp }> = [
  {
    rule: 'marital-status',
    first: /\bi am (?:happily |newly |recently )?married\b|\bmy (?:husband|wife)\b(?! (?:passed|died|left))/,
    second:
      /\bi am (?:single|divorced|widowed|unmarried|not married|a widow|a widower)\b|\bsingle (?:mom|mother|dad|father|parent)\b|\bi have never been married\b/,
  },
  {
    rule: 'gender',
    first:
      /\bi am (?:a |an )?(?:(?!of\b)\w+ ){0,3}?(?:man|guy|male|boy|father|dad|husband|gentleman|grandfather|grandpa|son)\b|\bi am male\b/,
    second:
      /\bi am (?:a |an )?(?:(?!of\b)\w+ ){0,3}?(?:woman|girl|female|lady|mother|mom|wife|grandmother|grandma|daughter)\b|\bi am female\b/,
  },
  {
    rule: 'diet',
    first: /\bi am (?:a |an )?(?:strict )?(?:vegan|vegetarian)\b/,
    second:
      /\b(?:i (?:eat|love|like|enjoy|grill|cook)|favorite (?:food|meal|dish) is)\b.*\b(?:meat|steak|beef|bacon|pork|ham|burgers?|hamburgers?|sausages?|ribs|chicken|turkey)\b/,
  },
  {
    rule: 'employment',
    first: /\bi am (?:currently )?(?:unemployed|jobless|out of work)\b/,
    second: /\bi (?:work|am employed) (?:as|at|for|in)\b/,
  },
  {
    rule: 'antonym',
    first: /\bi am (?:an |a |very |really |quite |so |pretty )*(?:introvert|introverted|shy)\b/,
    second: /\bi am (?:an |a |very |really |quite |so |pretty )*(?:extrovert|extroverted|outgoing)\b/,
  },
  {
    rule: 'antonym',
    first: /\bi am (?:very |really |quite |so |pretty )*tall\b/,
    second: /\bi am (?:very |really |quite |so |pretty )*short\b(?! (?:on|of) )/,
  },
  {
    rule: 'antonym',
    first: /\b(?:i am an early bird|i am a morning person)\b/,
    second: /\b(?:i am a night owl|i am not a morning person)\b/,
  },
  {
    rule: 'antonym',
    first: /\bi am (?:very |really |quite |so )*(?:rich|wealthy|a millionaire|a billionaire)\b/,
    second: /\bi am (?:very |really |quite |so )*(?:poor|broke)\b/,
  },
  {
    rule: 'antonym',
    first: /\bi am left handed\b/,
    second: /\bi am right handed\b/,
  },
];

function patternConflict(first: string, second: string): ContradictionRule | undefined {
  for (const { rule, first: one, second: other } of EXCLUSIVE_PATTERNS) {
    if ((one.test(first) && other.test(second)) || (other.test(first) && one.test(second))) return rule;
  }
  const firstName = /\bmy name is (\w+)/.exec(first)?.[1];
  const secondName = /\bmy name is (\w+)/.exec(second)?.[1];
  if (firstName && secondName && firstName !== secondName) return 'name';
  return favoriteConflict(first, second);
}

/** "my favorite color is blue" / "my favorite color is red": one favourite per category. */
function favoriteConflict(first: string, second: string): ContradictionRule | undefined {
  const pattern = /\bmy favou?rite (\w+(?: \w+){0,2}?) (?:is|are) (.+)$/;
  const one = pattern.exec(first);
  const other = pattern.exec(second);
  if (!one || !other || stem(one[1] as string) !== stem(other[1] as string)) return undefined;
  const firstWords = new Set(
    (one[2] as string)
      .split(' ')
      .filter((word) => !FUNCTION_WORDS.has(word))
      .map(stem),
  );
  const secondWords = new Set(
    (other[2] as string)
      .split(' ')
      .filter((word) => !FUNCTION_WORDS.has(word))
      .map(stem),
  );
  // "pizza" and "cheese pizza" agree; "blue" and "red" do not.
  const firstInSecond = [...firstWords].every((word) => secondWords.has(word));
  const secondInFirst = [...secondWords].every((word) => firstWords.has(word));
  return firstInSecond || secondInFirst ? undefined : 'favorite';
}
