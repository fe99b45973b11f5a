import { comparisonKey, tidyGeneratedText } from './comparison-key';
import { countSentences } from './validate-attribute';

/** Why an induced or bootstrapped query was dropped. */
export type QuestionRejection =
  | 'empty'
  | 'not-a-question'
  | 'multiple-sentences'
  | 'too-short'
  | 'too-long'
  | 'duplicate'
  | 'model-error';

/** Bounds of {@link validateQuestion}. */
export interface QuestionValidationOptions {
  /** @defaultValue 3 */
  minWords?: number;
  /** @defaultValue 25 */
  maxWords?: number;
  /** Comparison keys of the queries that already exist. @defaultValue none */
  existingKeys?: ReadonlySet<string>;
}

export const DEFAULT_QUESTION_VALIDATION: Required<Omit<QuestionValidationOptions, 'existingKeys'>> = {
  minWords: 3,
  maxWords: 25,
};

export type QuestionValidation = { ok: true; text: string } | { ok: false; reason: QuestionRejection };

/** Checks one query: a single question ending in "?", within bounds, not a copy of another. */
export function validateQuestion(raw: string, options: QuestionValidationOptions = {}): QuestionValidation {
  const settings = { ...DEFAULT_QUESTION_VALIDATION, ...options };
  let text = tidyGeneratedText(raw);
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (countSentences(text) > 1) return { ok: false, reason: 'multiple-sentences' };
  if (!text.endsWith('?')) return { ok: false, reason: 'not-a-question' };
  text = text.charAt(0).toUpperCase() + text.slice(1);
  const words = text.split(/\s+/).length;
  if (words < settings.minWords) return { ok: false, reason: 'too-short' };
  if (words > settings.maxWords) return { ok: false, reason: 'too-long' };
  if (settings.existingKeys?.has(comparisonKey(text))) return { ok: false, reason: 'duplicate' };
  return { ok: true, text };
}
