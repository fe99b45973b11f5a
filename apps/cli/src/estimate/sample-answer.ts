/** How long a typical structured answer is: free text of this many words, lists of this many items. */
export interface SampleAnswerShape {
  reasoningWords: number;
  /** Items in arrays without a minimum (a passing verdict lists no contradiction). @defaultValue 0 */
  arrayItems?: number;
}

// Plain words of average English length; the tokenizer counts about one token per word.
const FILLER =
  'the speakers stay consistent with their personas and the talk reads naturally from start to end'.split(
    ' ',
  );

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
};

/**
 * A value of the given JSON Schema shaped like a typical model answer: every property present,
 * enums at their first value, free text of `reasoningWords` words. Used to count output tokens
 * without guessing a number per stage.
 */
export function sampleAnswer(schema: unknown, shape: SampleAnswerShape): unknown {
  const node = (schema ?? {}) as JsonSchema;
  if (node.const !== undefined) return node.const;
  if (node.enum && node.enum.length > 0) return node.enum[0];
  const alternative = node.anyOf?.[0] ?? node.oneOf?.[0];
  if (alternative) return sampleAnswer(alternative, shape);
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(node.properties ?? {}).map(([key, value]) => [key, sampleAnswer(value, shape)]),
      );
    case 'array': {
      const items = Math.max(node.minItems ?? 0, shape.arrayItems ?? 0);
      return Array.from({ length: items }, () => sampleAnswer(node.items, shape));
    }
    case 'string':
      return Array.from({ length: shape.reasoningWords }, (_, index) => FILLER[index % FILLER.length]).join(
        ' ',
      );
    case 'integer':
    case 'number':
      return node.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}
