/**
 * The form two texts are compared in when deciding they are "the same sentence": case, curly
 * quotes, punctuation and spacing do not count ("I like dogs." = "i like dogs").
 */
export function comparisonKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/'+/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Tidies a model's one-line answer before validation: trims, drops a list marker or a
 * label ("1. ", "- ", "Answer: "), unwraps quotes, straightens curly apostrophes and collapses
 * white space. It never rewrites words.
 */
export function tidyGeneratedText(text: string): string {
  let tidy = text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .trim();
  tidy = tidy.replace(/^(?:[-*•]\s+|\d{1,2}[.)]\s+)/, '');
  tidy = tidy.replace(/^(?:answer|question|attribute|persona|response)\s*:\s*/i, '');
  for (let unwrap = 0; unwrap < 2; unwrap++) {
    const quoted = /^(["'])(.*)\1$/s.exec(tidy);
    if (!quoted) break;
    tidy = (quoted[2] ?? '').trim();
  }
  return tidy.replace(/[ \t]+/g, ' ').trim();
}
