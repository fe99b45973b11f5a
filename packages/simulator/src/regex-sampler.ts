import type { SeededRandom } from '@parley/core';

/**
 * Writes a string that matches a JSON Schema `pattern`, for the common subset of regular
 * expressions: literals, escapes (\d \w \s and escaped characters), classes with ranges and
 * negation, `.`, groups with alternation, and the quantifiers ? * + {m} {m,} {m,n}. Anchors are
 * honoured by construction. Returns undefined for what it cannot parse (lookarounds,
 * back-references) or when the result does not match; the caller then falls back.
 */
export function sampleRegex(pattern: string, random: SeededRandom): string | undefined {
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  let node: RegexNode;
  try {
    node = new RegexParser(pattern).parse();
  } catch {
    return undefined;
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = generate(node, random);
    if (compiled.test(text)) return text;
  }
  return undefined;
}

type RegexNode =
  | { kind: 'literal'; text: string }
  | { kind: 'set'; characters: string }
  | { kind: 'sequence'; items: RegexNode[] }
  | { kind: 'alternation'; options: RegexNode[] }
  | { kind: 'repeat'; item: RegexNode; minimum: number; maximum: number };

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const WORD_CHARACTERS = `${LOWER}${UPPER}${DIGITS}_`;
const PRINTABLE = `${WORD_CHARACTERS} .,-!?'`;
// Unbounded quantifiers repeat a little, like a human example would.
const OPEN_REPEAT = 3;

class RegexParser {
  private position = 0;

  constructor(private readonly pattern: string) {}

  parse(): RegexNode {
    const node = this.alternation();
    if (this.position < this.pattern.length) throw new Error('unbalanced pattern');
    return node;
  }

  private alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.position++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alternation', options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.position < this.pattern.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      if (atom) items.push(this.quantified(atom));
    }
    return { kind: 'sequence', items };
  }

  private atom(): RegexNode | undefined {
    const character = this.pattern[this.position++]!;
    switch (character) {
      case '^':
      case '$':
        return undefined;
      case '.':
        return { kind: 'set', characters: PRINTABLE };
      case '[':
        return this.characterClass();
      case '(': {
        if (this.peek() === '?') {
          if (this.pattern[this.position + 1] !== ':') throw new Error('lookarounds are not supported');
          this.position += 2;
        }
        const inner = this.alternation();
        if (this.pattern[this.position++] !== ')') throw new Error('unclosed group');
        return inner;
      }
      case '\\':
        return this.escape();
      default:
        return { kind: 'literal', text: character };
    }
  }

  private escape(): RegexNode {
    const character = this.pattern[this.position++];
    if (character === undefined) throw new Error('dangling escape');
    const set = escapeSet(character);
    if (set !== undefined) return { kind: 'set', characters: set };
    if (/[1-9]/.test(character)) throw new Error('back-references are not supported');
    return { kind: 'literal', text: character };
  }

  private characterClass(): RegexNode {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.position++;
    }
    let members = '';
    let first = true;
    while (this.position < this.pattern.length && (this.peek() !== ']' || first)) {
      first = false;
      let character = this.pattern[this.position++]!;
      if (character === '\\') {
        const escaped = this.pattern[this.position++]!;
        const set = escapeSet(escaped);
        if (set !== undefined) {
          members += set;
          continue;
        }
        character = escaped;
      }
      if (
        this.peek() === '-' &&
        this.pattern[this.position + 1] !== ']' &&
        this.position + 1 < this.pattern.length
      ) {
        this.position++;
        let end = this.pattern[this.position++]!;
        if (end === '\\') end = this.pattern[this.position++]!;
        for (
          let code = character.charCodeAt(0);
          code <= end.charCodeAt(0) && code - character.charCodeAt(0) < 512;
          code++
        )
          members += String.fromCharCode(code);
      } else members += character;
    }
    if (this.pattern[this.position++] !== ']') throw new Error('unclosed class');
    const characters = negated
      ? [...PRINTABLE].filter((character) => !members.includes(character)).join('')
      : members;
    if (!characters) throw new Error('empty class');
    return { kind: 'set', characters };
  }

  private quantified(item: RegexNode): RegexNode {
    const character = this.peek();
    let minimum: number;
    let maximum: number;
    if (character === '?') [minimum, maximum] = [0, 1];
    else if (character === '*') [minimum, maximum] = [0, OPEN_REPEAT];
    else if (character === '+') [minimum, maximum] = [1, OPEN_REPEAT];
    else if (character === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.position));
      if (!match) return item;
      minimum = Number(match[1]);
      maximum = match[2] === undefined ? minimum : match[3] ? Number(match[3]) : minimum + OPEN_REPEAT;
      this.position += match[0].length - 1;
    } else return item;
    this.position++;
    if (this.peek() === '?') this.position++;
    return { kind: 'repeat', item, minimum, maximum };
  }

  private peek(): string | undefined {
    return this.pattern[this.position];
  }
}

function escapeSet(character: string): string | undefined {
  switch (character) {
    case 'd':
      return DIGITS;
    case 'w':
      return WORD_CHARACTERS;
    case 's':
      return ' ';
    case 'D':
      return `${LOWER}${UPPER}`;
    case 'W':
      return ' .,-';
    case 'S':
      return WORD_CHARACTERS;
    case 'n':
      return '\n';
    case 't':
      return '\t';
    default:
      return undefined;
  }
}

function generate(node: RegexNode, random: SeededRandom): string {
  switch (node.kind) {
    case 'literal':
      return node.text;
    case 'set':
      return node.characters[random.integer(0, node.characters.length - 1)]!;
    case 'sequence':
      return node.items.map((item) => generate(item, random)).join('');
    case 'alternation':
      return generate(random.pick(node.options), random);
    case 'repeat': {
      const count = random.integer(node.minimum, Math.min(node.maximum, node.minimum + 8));
      let text = '';
      for (let index = 0; index < count; index++) text += generate(node.item, random);
      return text;
    }
  }
}
