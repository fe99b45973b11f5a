/** Longest reason key kept; longer ones are cut with an ellipsis. */
const MAX_KEY_LENGTH = 120;
/** A free-text tail after `head: ` longer than this is the model's own words: it is dropped. */
const MAX_KEPT_TAIL = 48;
/**
 * A parenthetical that names a kind (`(violence, sexual)`, `(judge score #)`) is kept; one
 * longer than this, or with an item of more words, explains one case and is dropped.
 */
const MAX_KEPT_PARENTHETICAL = 40;
const MAX_WORDS_PER_ITEM = 3;

// Quoted text (persona sentences, turns, evidence): what a reason quotes differs per candidate.
const QUOTED = /"(?:[^"\\]|\\.)*"|“[^”]*”|«[^»]*»/g;
// Ids: runs of word characters with a digit and at least two separators (`run-2026…-b8e8.1.pair-01.0`).
const ID = /[\w]*\d[\w]*(?:[.:_-][\w]+){2,}|[\w]+(?:[.:_-][\w]+){1,}[.:_-]\d[\w]*/g;
// A number standing alone (`0.012`, `-0.12`, `3`), not one inside a name (`distinct-2`).
const NUMBER = /(?<![\w.-])[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?(?![\w])/gi;
const PARENTHETICAL = /\(([^()]*)\)/g;

/**
 * The clauses of a rejection reason, normalised so that similar reasons group: quoted text,
 * ids and numbers are replaced by placeholders, long parentheticals and a long free-text tail
 * after `head: ` (a model's explanation) are cut, and a reason naming several problems
 * (`a; b`) gives one key per problem. `grounding 0.012 < 0.06 (without …): User 1 0.20 …`
 * becomes `grounding # < # (…): …`; `toxic (violence): The reply…` becomes `toxic (violence): …`.
 */
export function reasonKeys(reason: string): string[] {
  const keys = new Set<string>();
  let previousTail: string | undefined;
  for (const clause of splitClauses(reason)) {
    const key = normaliseClause(clause);
    // `head: detail of A; detail of B`: B continues the previous clause's list, not a problem of its own.
    if (key && key !== previousTail) keys.add(key);
    const colon = key.indexOf(': ');
    if (colon > 0) previousTail = key.slice(colon + 2);
    else if (key !== previousTail) previousTail = undefined;
  }
  return [...keys];
}

/** `a; b` → [a, b], not splitting inside quotes or parentheses. */
function splitClauses(reason: string): string[] {
  const clauses: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < reason.length; index++) {
    const character = reason[index];
    if (character === '\\' && quoted) {
      index++;
      continue;
    }
    if (character === '"') quoted = !quoted;
    else if (!quoted && character === '(') depth++;
    else if (!quoted && character === ')') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && character === ';') {
      clauses.push(reason.slice(start, index));
      start = index + 1;
    }
  }
  clauses.push(reason.slice(start));
  return clauses.map((clause) => clause.trim()).filter((clause) => clause.length > 0);
}

function normaliseClause(clause: string): string {
  let text = clause.replace(/\s+/g, ' ').trim();
  text = text.replace(QUOTED, '"…"');
  text = text.replace(ID, '<id>');
  text = text.replace(NUMBER, '#');
  text = text.replace(PARENTHETICAL, (whole, inner: string) => (namesAKind(inner) ? whole : '(…)'));
  const colon = text.indexOf(': ');
  if (colon > 0 && text.length - colon - 2 > MAX_KEPT_TAIL) text = `${text.slice(0, colon)}: …`;
  text = text
    .replace(/(?:#\s*,?\s*){2,}/g, '# ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_KEY_LENGTH ? `${text.slice(0, MAX_KEY_LENGTH - 1)}…` : text;
}

function namesAKind(parenthetical: string): boolean {
  return (
    parenthetical.length <= MAX_KEPT_PARENTHETICAL &&
    parenthetical.split(',').every((item) => item.trim().split(/\s+/).length <= MAX_WORDS_PER_ITEM)
  );
}
