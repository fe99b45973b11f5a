import { comparisonKey, tidyGeneratedText } from './comparison-key';

/** Why a produced attribute was dropped. Every drop is counted under one of these. */
export type AttributeRejection =
  | 'empty'
  | 'multiple-sentences'
  | 'not-first-person'
  | 'too-short'
  | 'too-long'
  | 'duplicate'
  | 'not-novel'
  | 'model-error';

/** Bounds of {@link validateAttribute}. */
export interface AttributeValidationOptions {
  /** @defaultValue 3 */
  minWords?: number;
  /** @defaultValue 30 */
  maxWords?: number;
  /** @defaultValue 200 */
  maxCharacters?: number;
  /** Comparison keys ({@link comparisonKey}) of the attributes that already exist. @defaultValue none */
  existingKeys?: ReadonlySet<string>;
}

export const DEFAULT_ATTRIBUTE_VALIDATION: Required<Omit<AttributeValidationOptions, 'existingKeys'>> = {
  minWords: 3,
  maxWords: 30,
  maxCharacters: 200,
};

export type AttributeValidation = { ok: true; text: string } | { ok: false; reason: AttributeRejection };

// Abbreviations whose full stop does not end a sentence.
const ABBREVIATION = /\b(?:mr|mrs|ms|dr|st|jr|sr|vs|etc|e\.g|i\.e|u\.s|a\.m|p\.m)\.$/i;
const FIRST_PERSON = /^(?:I|My)(?=[\s'])/i;

/**
 * Checks one produced persona attribute: a single first-person sentence ("I ...", "My ...",
 * "I'm ..."), within length bounds, not a copy of an existing attribute. Returns the tidied
 * text (capitalised, with a final full stop when it had no closing punctuation).
 */
export function validateAttribute(
  raw: string,
  options: AttributeValidationOptions = {},
): AttributeValidation {
  const settings = { ...DEFAULT_ATTRIBUTE_VALIDATION, ...options };
  let text = tidyGeneratedText(raw);
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (countSentences(text) > 1) return { ok: false, reason: 'multiple-sentences' };
  if (!FIRST_PERSON.test(text)) return { ok: false, reason: 'not-first-person' };
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (!/[.!?]$/.test(text)) text = `${text}.`;
  const words = text.split(/\s+/).length;
  if (words < settings.minWords) return { ok: false, reason: 'too-short' };
  if (words > settings.maxWords || text.length > settings.maxCharacters)
    return { ok: false, reason: 'too-long' };
  if (settings.existingKeys?.has(comparisonKey(text))) return { ok: false, reason: 'duplicate' };
  return { ok: true, text };
}

/**
 * Sentences in a line of text: a line break, or a `.`, `!` or `?` followed by more text,
 * starts a new one (a full stop after "Dr" or "Mrs" does not).
 */
export function countSentences(text: string): number {
  const trimmed = text.trim();
  if (trimmed.length === 0) return 0;
  if (/[\r\n]/.test(trimmed)) return trimmed.split(/[\r\n]+/).filter((line) => line.trim().length > 0).length;
  let sentences = 1;
  const boundary = /[.!?]+["')\]]*\s+(?=\S)/g;
  for (let match = boundary.exec(trimmed); match !== null; match = boundary.exec(trimmed)) {
    const before = trimmed.slice(0, match.index + match[0].trimEnd().length);
    if (!ABBREVIATION.test(before)) sentences++;
  }
  return sentences;
}
