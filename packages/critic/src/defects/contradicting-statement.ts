import { detectContradiction } from '@parley/generator';

/**
 * A first-person statement that contradicts a persona sentence, or undefined when none can be
 * made: "I have two dogs." → "I do not have two dogs.", "I love pizza." → "I hate pizza.",
 * "I am married." → "I am not married.", "I am 25 years old." → "I am 70 years old.". Every
 * candidate is checked with the profile builder's offline consistency rules
 * (detectContradiction), so a statement is only planted when those rules see the conflict;
 * sentences about the past ("I used to...") have none.
 */
export function contradictingStatement(attribute: string): string | undefined {
  for (const candidate of candidates(attribute)) {
    if (detectContradiction(attribute, candidate).contradiction) return candidate;
  }
  return undefined;
}

const SUBJECT = /^(i am|i'm|im|i have|i've|i|my\s+[\w' -]+?)\s+(.*)$/i;

function candidates(attribute: string): string[] {
  const text = attribute
    .trim()
    .replace(/[.!?]+$/, '')
    .replace(/[\u2018\u2019]/g, "'");
  const lower = text.charAt(0).toLowerCase() + text.slice(1);
  const found: string[] = [];
  const age = /^(?:i am|i'm)\s+(\d{1,3})\b(.*)$/i.exec(text);
  if (age) found.push(`I am ${Number(age[1]) < 50 ? Number(age[1]) + 40 : Number(age[1]) - 30}${age[2]}`);
  const liking = /^i\s+(?:really\s+)?(love|like|enjoy|adore)\s+(.*)$/i.exec(text);
  if (liking) found.push(`I hate ${liking[2]}`, `I do not like ${liking[2]}`);
  const disliking = /^i\s+(?:really\s+)?(hate|dislike|can't stand|cannot stand)\s+(.*)$/i.exec(text);
  if (disliking) found.push(`I love ${disliking[2]}`);
  const subject = SUBJECT.exec(lower);
  if (subject) {
    const head = subject[1]!.toLowerCase();
    const rest = subject[2]!;
    if (head === 'i am' || head === "i'm" || head === 'im') found.push(`I am not ${rest}`);
    else if (head === 'i have' || head === "i've") {
      found.push(`I do not have ${rest.replace(/^(?:a|an|one)\s+/i, 'a ')}`, `I have never ${rest}`);
    } else if (head === 'i') {
      const verb = /^(can|will|would|could|should|do|did)\s+(.*)$/i.exec(rest);
      if (verb) found.push(`I ${verb[1]} not ${verb[2]}`);
      else found.push(`I do not ${baseForm(rest)}`, `I never ${rest}`);
    } else if (head.startsWith('my ')) {
      const copula = /^(is|are|was|were)\s+(.*)$/i.exec(rest);
      if (copula) found.push(`${capitalise(head)} ${copula[1]} not ${copula[2]}`);
    }
  }
  if (/\bmarried\b|\bmy (?:husband|wife)\b/i.test(text))
    found.push('I am single and have never been married');
  if (/\b(?:vegan|vegetarian)\b/i.test(text)) found.push('I love to eat steak');
  return found.map((statement) => `${capitalise(statement.trim())}.`);
}

/** "works as a nurse" → "work as a nurse": the verb after "do not". */
function baseForm(predicate: string): string {
  const [verb = '', ...rest] = predicate.split(' ');
  const base = verb.endsWith('ies')
    ? `${verb.slice(0, -3)}y`
    : /(?:ches|shes|sses|xes)$/.test(verb)
      ? verb.slice(0, -2)
      : verb.endsWith('s') && !verb.endsWith('ss')
        ? verb.slice(0, -1)
        : verb;
  return [base, ...rest].join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
