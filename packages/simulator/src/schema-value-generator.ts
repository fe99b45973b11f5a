import { type WrittenTurn, writeConversation } from './conversation-writer';
import { sampleRegex } from './regex-sampler';
import type { TextWriter } from './text-writer';

/** A JSON Schema node as it arrives in a request: an object, or `true`/`false`. */
export type JsonSchema = boolean | { [keyword: string]: unknown };
type SchemaObject = { [keyword: string]: unknown };

/** A schema the simulator cannot answer (an unresolvable `$ref`, `false` at the root). */
export class SchemaError extends Error {
  constructor(
    readonly schemaPath: string,
    reason: string,
  ) {
    super(`${schemaPath || '(root)'}: ${reason}`);
    this.name = 'SchemaError';
  }
}

export interface SchemaGenerationOptions {
  /** Writes every string; also carries the seeded generator and the prompt's facts. */
  writer: TextWriter;
  /** Probability of the favourable answer for verdict-like fields (`passed` true, `toxic` false). */
  verdictPassRate: number;
  /**
   * Writes the turns of a conversation between the prompt's two profiles within the schema's
   * limits on the number of turns. @defaultValue writeConversation, 6–7 turns or the prompt's range
   */
  writeTurns?: (limits: { minimum: number; maximum: number }) => WrittenTurn[];
}

/**
 * A value valid against `schema`, written from the schema itself (types, required, bounds,
 * enums, formats, patterns, anyOf/oneOf/allOf, $ref/$defs, nullable) and made plausible by field
 * names (`turns`, `passed`, `rationale`, `question`, `attribute`...). Nothing is tied to one
 * prompt: any schema gets a valid answer, Parley's own get sensible ones.
 */
export function generateFromSchema(schema: JsonSchema, options: SchemaGenerationOptions): unknown {
  return new SchemaValueGenerator(schema, options).value(schema, '', '', 0);
}

// Past this depth recursive schemas take their shortest way out (null branch, fewest items).
const MAX_DEPTH = 10;
const CONSTRAINT_KEYWORDS = new Set([
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
]);

class SchemaValueGenerator {
  private readonly random;
  private readonly constraintCache = new WeakMap<SchemaObject, SchemaObject>();
  /** The answer's single verdict, drawn on first use (see verdict()). */
  private favourable: boolean | undefined;

  constructor(
    private readonly root: JsonSchema,
    private readonly options: SchemaGenerationOptions,
  ) {
    this.random = options.writer.random;
  }

  value(schema: JsonSchema, name: string, schemaPath: string, depth: number): unknown {
    const node = this.resolve(schema, schemaPath);
    if (node === true) return this.options.writer.smallTalk();
    if (node === false) throw new SchemaError(schemaPath, 'the schema `false` admits no value');
    if ('const' in node) return node['const'];
    if (Array.isArray(node['enum']) && node['enum'].length > 0) return this.enumValue(node['enum'], name);
    if (Array.isArray(node['allOf']))
      return this.value(this.mergeAllOf(node, schemaPath), name, schemaPath, depth);
    const variants = (node['anyOf'] ?? node['oneOf']) as JsonSchema[] | undefined;
    if (Array.isArray(variants) && variants.length > 0) {
      const keyword = node['anyOf'] ? 'anyOf' : 'oneOf';
      const index = this.chooseVariant(variants, schemaPath, depth);
      return this.value(variants[index]!, name, `${schemaPath}/${keyword}/${index}`, depth);
    }
    switch (this.typeOf(node)) {
      case 'object':
        return this.objectValue(node, schemaPath, depth);
      case 'array':
        return this.arrayValue(node, name, schemaPath, depth);
      case 'string':
        return this.stringValue(node, name);
      case 'integer':
        return this.numberValue(node, name, true);
      case 'number':
        return this.numberValue(node, name, false);
      case 'boolean':
        return this.booleanValue(name);
      case 'null':
        return null;
      default:
        return this.options.writer.smallTalk();
    }
  }

  /** Follows `$ref`s and restores constraints a provider SDK moved into the description. */
  private resolve(schema: JsonSchema, schemaPath: string): JsonSchema {
    let node = schema;
    for (let hops = 0; typeof node === 'object' && typeof node['$ref'] === 'string'; hops++) {
      if (hops > 32) throw new SchemaError(schemaPath, 'a cycle of $ref without any content');
      node = this.lookUp(node['$ref'] as string, schemaPath);
    }
    if (typeof node !== 'object' || node === null) return node;
    return this.withDescribedConstraints(node);
  }

  private lookUp(reference: string, schemaPath: string): JsonSchema {
    if (!reference.startsWith('#'))
      throw new SchemaError(schemaPath, `only local $ref are supported, got "${reference}"`);
    let node: unknown = this.root;
    const pointer = reference.slice(1);
    if (pointer === '' || pointer === '/') return this.root;
    for (const rawSegment of pointer.split('/').slice(1)) {
      const segment = decodeURIComponent(rawSegment).replace(/~1/g, '/').replace(/~0/g, '~');
      node = typeof node === 'object' && node !== null ? (node as SchemaObject)[segment] : undefined;
      if (node === undefined) throw new SchemaError(schemaPath, `$ref "${reference}" points at nothing`);
    }
    return node as JsonSchema;
  }

  /**
   * Anthropic's SDK moves constraints its API does not enforce (minItems > 1, maxItems,
   * minimum...) into the description as `{minItems: 6, maxItems: 8}` and validates them itself
   * on the client: read them back so the answer passes that validation too.
   */
  private withDescribedConstraints(node: SchemaObject): SchemaObject {
    const description = node['description'];
    if (typeof description !== 'string' || !description.endsWith('}')) return node;
    const cached = this.constraintCache.get(node);
    if (cached) return cached;
    const start = description.lastIndexOf('{');
    const recovered: SchemaObject = {};
    if (start >= 0) {
      const body = description.slice(start + 1, -1);
      const keys = [...body.matchAll(/(?:^|, )([A-Za-z]+): /g)];
      keys.forEach((match, index) => {
        const valueStart = match.index! + match[0].length;
        const valueEnd = index + 1 < keys.length ? keys[index + 1]!.index! : body.length;
        const key = match[1]!;
        if (!CONSTRAINT_KEYWORDS.has(key)) return;
        try {
          recovered[key] = JSON.parse(body.slice(valueStart, valueEnd));
        } catch {
          // Not a constraint block after all: ignore it.
        }
      });
    }
    const merged = { ...recovered, ...node };
    this.constraintCache.set(node, merged);
    return merged;
  }

  private mergeAllOf(node: SchemaObject, schemaPath: string): SchemaObject {
    const merged: SchemaObject = { ...node };
    delete merged['allOf'];
    const properties: SchemaObject = { ...((node['properties'] as SchemaObject) ?? {}) };
    const required = new Set<string>((node['required'] as string[]) ?? []);
    (node['allOf'] as JsonSchema[]).forEach((part, index) => {
      const resolved = this.resolve(part, `${schemaPath}/allOf/${index}`);
      if (typeof resolved !== 'object') return;
      for (const [key, value] of Object.entries(resolved)) {
        if (key === 'properties') Object.assign(properties, value);
        else if (key === 'required') for (const name of value as string[]) required.add(name);
        else if (!(key in merged)) merged[key] = value;
      }
    });
    if (Object.keys(properties).length > 0) merged['properties'] = properties;
    if (required.size > 0) merged['required'] = [...required];
    return merged;
  }

  private chooseVariant(variants: JsonSchema[], schemaPath: string, depth: number): number {
    const isNull = variants.map((variant) => {
      const resolved = this.resolve(variant, schemaPath);
      return typeof resolved === 'object' && resolved['type'] === 'null';
    });
    const nonNull = variants.map((_, index) => index).filter((index) => !isNull[index]);
    if (depth >= MAX_DEPTH) {
      const nullIndex = isNull.indexOf(true);
      if (nullIndex >= 0) return nullIndex;
    }
    // Nullable fields get a value: a provider's model fills what it can.
    return nonNull.length > 0 ? this.random.pick(nonNull) : 0;
  }

  private typeOf(node: SchemaObject): string | undefined {
    const type = node['type'];
    if (typeof type === 'string') return type;
    if (Array.isArray(type)) {
      const concrete = type.filter((entry) => entry !== 'null');
      return (concrete.length > 0 ? this.random.pick(concrete) : 'null') as string;
    }
    if (node['properties'] || node['additionalProperties'] || node['required']) return 'object';
    if (node['items'] || node['prefixItems']) return 'array';
    if (node['minimum'] !== undefined || node['maximum'] !== undefined) return 'number';
    return undefined;
  }

  private objectValue(node: SchemaObject, schemaPath: string, depth: number): Record<string, unknown> {
    const properties = (node['properties'] ?? {}) as Record<string, JsonSchema>;
    const required = new Set((node['required'] as string[] | undefined) ?? []);
    const result: Record<string, unknown> = {};
    for (const [key, propertySchema] of Object.entries(properties)) {
      if (!required.has(key) && (depth >= MAX_DEPTH || !this.random.chance(0.8))) continue;
      result[key] = this.value(propertySchema, key, `${schemaPath}/properties/${key}`, depth + 1);
    }
    for (const key of required) {
      if (!(key in result)) result[key] = this.options.writer.smallTalk();
    }
    const extra = node['additionalProperties'];
    if (Object.keys(properties).length === 0 && typeof extra === 'object' && extra !== null) {
      const names = this.recordKeys(node);
      for (const key of names) {
        result[key] = this.value(extra as JsonSchema, key, `${schemaPath}/additionalProperties`, depth + 1);
      }
    }
    return result;
  }

  private recordKeys(node: SchemaObject): string[] {
    const propertyNames = node['propertyNames'] as SchemaObject | undefined;
    if (propertyNames && Array.isArray(propertyNames['enum'])) return propertyNames['enum'] as string[];
    const count = this.random.integer(1, 3);
    return Array.from({ length: count }, (_, index) => `item${index + 1}`);
  }

  private arrayValue(node: SchemaObject, name: string, schemaPath: string, depth: number): unknown[] {
    const minimum = typeof node['minItems'] === 'number' ? node['minItems'] : 0;
    const maximum = typeof node['maxItems'] === 'number' ? node['maxItems'] : Number.POSITIVE_INFINITY;
    // Draft 2020 tuples use prefixItems + items; draft 7 (the OpenAI SDK's target) an items array + additionalItems.
    const tupleDraft7 = Array.isArray(node['items']);
    const prefixItems = (
      tupleDraft7 ? node['items'] : Array.isArray(node['prefixItems']) ? node['prefixItems'] : []
    ) as JsonSchema[];
    const items = ((tupleDraft7 ? node['additionalItems'] : node['items']) ?? true) as JsonSchema;
    const closedTuple = prefixItems.length > 0 && items === false;
    const key = normaliseName(name);
    if (PROBLEM_ARRAY_NAMES.has(key) && minimum === 0 && prefixItems.length === 0 && this.verdict())
      return [];
    if (CONVERSATION_ARRAY_NAMES.has(key) && prefixItems.length === 0) {
      const conversation = this.conversationValue(items, minimum, maximum, schemaPath);
      if (conversation) return conversation;
    }
    let count: number;
    if (depth >= MAX_DEPTH) count = minimum;
    else {
      const low = Math.max(minimum, Math.min(1, maximum), prefixItems.length);
      const high = closedTuple ? prefixItems.length : Math.min(maximum, Math.max(low, minimum + 3));
      count = this.random.integer(Math.min(low, high), high);
    }
    const itemName = singular(name);
    const result: unknown[] = [];
    const seen = new Set<string>();
    for (let index = 0; index < count; index++) {
      const itemSchema = index < prefixItems.length ? prefixItems[index]! : items;
      const itemPath =
        index < prefixItems.length ? `${schemaPath}/prefixItems/${index}` : `${schemaPath}/items`;
      let item = this.value(itemSchema, itemName, itemPath, depth + 1);
      if (node['uniqueItems'] === true) {
        for (let attempt = 0; attempt < 8 && seen.has(JSON.stringify(item)); attempt++)
          item = this.value(itemSchema, itemName, itemPath, depth + 1);
        seen.add(JSON.stringify(item));
      }
      result.push(item);
    }
    return result;
  }

  /** `turns`-like arrays: a conversation between the prompt's two profiles. */
  private conversationValue(
    items: JsonSchema,
    minimum: number,
    maximum: number,
    schemaPath: string,
  ): unknown[] | undefined {
    const itemSchema = this.resolve(items, `${schemaPath}/items`);
    if (typeof itemSchema !== 'object') return undefined;
    const type = this.typeOf(itemSchema);
    const properties = (itemSchema['properties'] ?? {}) as Record<string, JsonSchema>;
    const speakerKey = Object.keys(properties).find((key) => SPEAKER_NAMES.has(normaliseName(key)));
    const textKey = Object.keys(properties).find((key) => TEXT_NAMES.has(normaliseName(key)));
    if (type !== 'string' && !(type === 'object' && textKey)) return undefined;
    const facts = this.options.writer.facts;
    const wanted = facts.turnRange ?? { minimum: 6, maximum: 7 };
    const low = Math.min(Math.max(wanted.minimum, minimum), maximum);
    const high = Math.max(low, Math.min(wanted.maximum, maximum));
    const turns =
      this.options.writeTurns && facts.user1Profile.length > 0 && facts.user2Profile.length > 0
        ? this.options.writeTurns({ minimum, maximum })
        : writeConversation(
            this.options.writer,
            { user1: facts.user1Profile, user2: facts.user2Profile },
            this.random.integer(low, high),
          );
    if (type === 'string') {
      return turns.map((turn) =>
        fitString(`${turn.speaker === 'user1' ? 'User 1' : 'User 2'}: ${turn.text}`, itemSchema, this.random),
      );
    }
    return turns.map((turn) => {
      const result: Record<string, unknown> = {};
      for (const [key, propertySchema] of Object.entries(properties)) {
        const propertyPath = `${schemaPath}/items/properties/${key}`;
        if (key === speakerKey)
          result[key] = this.speakerValue(propertySchema, turn.speaker === 'user1' ? 0 : 1, propertyPath);
        else if (key === textKey) {
          const textSchema = this.resolve(propertySchema, propertyPath);
          result[key] =
            typeof textSchema === 'object' ? fitString(turn.text, textSchema, this.random) : turn.text;
        } else result[key] = this.value(propertySchema, key, propertyPath, 1);
      }
      return result;
    });
  }

  private speakerValue(schema: JsonSchema, speakerIndex: number, schemaPath: string): unknown {
    const values = this.literalValues(schema, schemaPath).filter((value) => value !== null);
    const defaults = ['user1', 'user2'];
    if (values.length === 0) return defaults[speakerIndex];
    if (values.includes(defaults[speakerIndex])) return defaults[speakerIndex];
    return values[speakerIndex % values.length];
  }

  private literalValues(schema: JsonSchema, schemaPath: string): unknown[] {
    const node = this.resolve(schema, schemaPath);
    if (typeof node !== 'object') return [];
    if ('const' in node) return [node['const']];
    if (Array.isArray(node['enum'])) return node['enum'];
    const variants = (node['anyOf'] ?? node['oneOf']) as JsonSchema[] | undefined;
    if (Array.isArray(variants))
      return variants.flatMap((variant) => this.literalValues(variant, schemaPath));
    return [];
  }

  private enumValue(values: unknown[], name: string): unknown {
    const polarity = verdictPolarity(name);
    const favourable = values.find(
      (value) => typeof value === 'string' && FAVOURABLE_WORDS.has(value.toLowerCase()),
    );
    const unfavourable = values.find(
      (value) => typeof value === 'string' && UNFAVOURABLE_WORDS.has(value.toLowerCase()),
    );
    if (favourable !== undefined && unfavourable !== undefined) {
      const good = polarity === 'false-favourable' ? unfavourable : favourable;
      const bad = polarity === 'false-favourable' ? favourable : unfavourable;
      return this.random.chance(this.options.verdictPassRate) ? good : bad;
    }
    return this.random.pick(values);
  }

  private booleanValue(name: string): boolean {
    const polarity = verdictPolarity(name);
    if (polarity === undefined) return this.random.chance(0.5);
    const favourable = this.verdict();
    return polarity === 'true-favourable' ? favourable : !favourable;
  }

  /**
   * One verdict per answer, drawn once: a judge that says "not toxic" also lists no toxic
   * categories, and one that says "passed" lists no problems.
   */
  private verdict(): boolean {
    if (this.favourable === undefined) this.favourable = this.random.chance(this.options.verdictPassRate);
    return this.favourable;
  }

  private numberValue(node: SchemaObject, name: string, integer: boolean): number {
    const key = normaliseName(name);
    const isScore = SCORE_NAMES.some((word) => key.includes(word));
    const isFraction = FRACTION_NAMES.some((word) => key.includes(word));
    let low = typeof node['minimum'] === 'number' ? node['minimum'] : undefined;
    let high = typeof node['maximum'] === 'number' ? node['maximum'] : undefined;
    const exclusiveLow = node['exclusiveMinimum'];
    const exclusiveHigh = node['exclusiveMaximum'];
    const step = integer ? 1 : 0.01;
    if (typeof exclusiveLow === 'number') low = Math.max(low ?? -Infinity, exclusiveLow + step);
    else if (exclusiveLow === true && low !== undefined) low += step;
    if (typeof exclusiveHigh === 'number') high = Math.min(high ?? Infinity, exclusiveHigh - step);
    else if (exclusiveHigh === true && high !== undefined) high -= step;
    const defaultLow = isFraction ? 0 : isScore ? 1 : 0;
    const defaultHigh = isFraction ? 1 : isScore ? 10 : 100;
    if (low === undefined) low = high !== undefined ? Math.min(defaultLow, high) : defaultLow;
    if (high === undefined) high = Math.max(low, low < defaultHigh ? defaultHigh : low + 100);
    if (high < low) high = low;
    // Scores lean favourable with the verdict pass rate: most candidates are decent.
    let fraction = this.random.next();
    if (isScore || isFraction) {
      fraction = this.random.chance(this.options.verdictPassRate) ? 0.5 + fraction * 0.5 : fraction * 0.5;
    }
    let value = low + fraction * (high - low);
    const multipleOf =
      typeof node['multipleOf'] === 'number' && node['multipleOf'] > 0 ? node['multipleOf'] : undefined;
    if (multipleOf) {
      const steps = Math.ceil(low / multipleOf) + Math.floor((value - low) / multipleOf);
      value = Math.min(steps * multipleOf, Math.floor(high / multipleOf) * multipleOf);
      value = Number(value.toFixed(10));
    }
    if (integer) value = Math.min(Math.max(Math.round(value), Math.ceil(low)), Math.floor(high));
    else if (!multipleOf) value = Math.min(Math.max(Math.round(value * 100) / 100, low), high);
    return value;
  }

  private stringValue(node: SchemaObject, name: string): string {
    const format = typeof node['format'] === 'string' ? node['format'] : undefined;
    const text = (format && formatValue(format, this.random)) || this.namedText(name);
    return fitString(text, node, this.random);
  }

  private namedText(name: string): string {
    const writer = this.options.writer;
    const key = normaliseName(name);
    if (RATIONALE_NAMES.has(key)) return writer.rationale();
    if (QUESTION_NAMES.has(key)) return writer.personaQuestion();
    if (NEGATION_NAMES.has(key)) {
      const items = writer.facts.listItems;
      return writer.negation(items.length > 0 ? items[items.length - 1]! : writer.personaSentence());
    }
    if (PERSONA_NAMES.has(key)) return writer.personaSentence();
    if (key === 'name' || key.endsWith('firstname') || key === 'username')
      return writer.random.pick(FIRST_NAMES);
    if (CONVERSATION_TEXT_NAMES.has(key) && writer.facts.user1Profile.length > 0) {
      const turns = writeConversation(
        writer,
        { user1: writer.facts.user1Profile, user2: writer.facts.user2Profile },
        6,
      );
      return turns
        .map((turn) => `${turn.speaker === 'user1' ? 'User 1' : 'User 2'}: ${turn.text}`)
        .join('\n');
    }
    if (SHORT_NAMES.has(key)) return writer.phrase(this.random.integer(1, 3));
    if (key === 'id' || key.endsWith('id'))
      return `id-${Math.floor(this.random.next() * 0xffffffff).toString(16)}`;
    if (key === 'language' || key === 'lang') return 'en';
    return writer.reply();
  }
}

/** Applies pattern, minLength and maxLength to a candidate string. */
function fitString(text: string, node: SchemaObject, random: TextWriter['random']): string {
  let result = text;
  const pattern = typeof node['pattern'] === 'string' ? node['pattern'] : undefined;
  if (pattern) {
    let matches = false;
    try {
      matches = new RegExp(pattern, 'u').test(result);
    } catch {
      matches = true;
    }
    if (!matches) result = sampleRegex(pattern, random) ?? result;
  }
  const minLength = typeof node['minLength'] === 'number' ? node['minLength'] : 0;
  const maxLength = typeof node['maxLength'] === 'number' ? node['maxLength'] : Number.POSITIVE_INFINITY;
  if ([...result].length < minLength) {
    const filler = ' And that is about it.';
    while ([...result].length < minLength) result += filler;
  }
  if ([...result].length > maxLength) {
    const characters = [...result].slice(0, maxLength);
    const cut = characters.join('');
    const space = cut.lastIndexOf(' ');
    result = space > maxLength / 2 && space >= minLength ? cut.slice(0, space) : cut;
  }
  return result;
}

const BASE_DATE = Date.UTC(2024, 0, 1);

function formatValue(format: string, random: TextWriter['random']): string | undefined {
  const hex = (length: number) =>
    Array.from({ length }, () => '0123456789abcdef'[random.integer(0, 15)]).join('');
  const instant = new Date(BASE_DATE + random.integer(0, 365 * 24 * 3600) * 1000).toISOString();
  switch (format) {
    case 'date-time':
      return instant.replace(/\.\d{3}Z$/, 'Z');
    case 'date':
      return instant.slice(0, 10);
    case 'time':
      return `${instant.slice(11, 19)}Z`;
    case 'duration':
      return `PT${random.integer(1, 59)}M`;
    case 'email':
      return `${random.pick(FIRST_NAMES).toLowerCase()}${random.integer(1, 99)}@example.com`;
    case 'hostname':
      return `host-${hex(6)}.example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${hex(8)}`;
    case 'ipv4':
      return [10, random.integer(0, 255), random.integer(0, 255), random.integer(1, 254)].join('.');
    case 'ipv6':
      return `fd00::${hex(4)}:${hex(4)}`;
    case 'emoji':
      return random.pick(['🙂', '🐢', '🎸', '🌻']);
    case 'uuid':
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[random.integer(0, 3)]}${hex(3)}-${hex(12)}`;
    default:
      return undefined;
  }
}

type Polarity = 'true-favourable' | 'false-favourable' | undefined;

function verdictPolarity(name: string): Polarity {
  const key = normaliseName(name).replace(/^(?:is|has|does|was)(?=[a-z]{3,})/, '');
  if (TRUE_FAVOURABLE_NAMES.has(key)) return 'true-favourable';
  if (FALSE_FAVOURABLE_NAMES.has(key)) return 'false-favourable';
  return undefined;
}

/** `isFaithful` → `isfaithful`, `turn_count` → `turncount`. */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('ses')) return name.slice(0, -2);
  if (name.endsWith('s') && !name.endsWith('ss')) return name.slice(0, -1);
  return name;
}

const CONVERSATION_ARRAY_NAMES = new Set([
  'turns',
  'conversation',
  'dialogue',
  'dialog',
  'utterances',
  'lines',
  'messages',
  'exchanges',
]);
const SPEAKER_NAMES = new Set(['speaker', 'role', 'user', 'author', 'from', 'who']);
const TEXT_NAMES = new Set(['text', 'content', 'utterance', 'message', 'line', 'says', 'value']);
const CONVERSATION_TEXT_NAMES = new Set(['conversation', 'dialogue', 'dialog', 'transcript']);
/** Arrays that list what is wrong: empty in a favourable verdict. */
const PROBLEM_ARRAY_NAMES = new Set([
  'categories',
  'issues',
  'problems',
  'contradictions',
  'violations',
  'flags',
  'errors',
]);

const TRUE_FAVOURABLE_NAMES = new Set([
  'passed',
  'pass',
  'passes',
  'faithful',
  'consistent',
  'valid',
  'ok',
  'acceptable',
  'accepted',
  'approved',
  'coherent',
  'natural',
  'fluent',
  'engaging',
  'relevant',
  'safe',
  'success',
  'successful',
  'personafaithful',
]);
const FALSE_FAVOURABLE_NAMES = new Set([
  'toxic',
  'toxicity',
  'contradicts',
  'contradiction',
  'contradictory',
  'contradicted',
  'contradict',
  'inconsistent',
  'flagged',
  'offensive',
  'unsafe',
  'harmful',
  'redundant',
  'duplicate',
  'repetitive',
  'hallucinated',
  'failed',
  'fail',
]);
const FAVOURABLE_WORDS = new Set([
  'yes',
  'pass',
  'passed',
  'true',
  'consistent',
  'faithful',
  'entailment',
  'safe',
  'ok',
  'valid',
  'nontoxic',
  'non-toxic',
  'not_toxic',
]);
const UNFAVOURABLE_WORDS = new Set([
  'no',
  'fail',
  'failed',
  'false',
  'contradiction',
  'contradicts',
  'inconsistent',
  'unfaithful',
  'toxic',
  'unsafe',
  'invalid',
]);
const SCORE_NAMES = ['score', 'rating', 'grade', 'quality', 'depth', 'coherency', 'coherence', 'likeability'];
const FRACTION_NAMES = ['confidence', 'probability', 'likelihood', 'similarity'];
const RATIONALE_NAMES = new Set([
  'rationale',
  'reason',
  'reasons',
  'reasoning',
  'explanation',
  'why',
  'justification',
  'comment',
  'comments',
  'feedback',
  'analysis',
  'critique',
  'evidence',
  'thoughts',
  'notes',
]);
const QUESTION_NAMES = new Set(['question', 'query', 'personaquestion', 'inducedquery']);
const PERSONA_NAMES = new Set([
  'attribute',
  'sentence',
  'statement',
  'fact',
  'trait',
  'personaattribute',
  'newattribute',
  'personasentence',
]);
const NEGATION_NAMES = new Set(['negation', 'negated', 'negatedattribute', 'opposite', 'negatedsentence']);
const SHORT_NAMES = new Set(['title', 'topic', 'label', 'category', 'tag', 'summary', 'cluster', 'theme']);
const FIRST_NAMES = [
  'Alex',
  'Sam',
  'Jordan',
  'Taylor',
  'Morgan',
  'Riley',
  'Casey',
  'Jamie',
  'Avery',
  'Quinn',
];
