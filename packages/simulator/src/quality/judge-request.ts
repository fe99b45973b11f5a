import type { JsonSchema } from '../schema-value-generator';

/**
 * Which of the Critic's experts a structured request comes from, recognised by the answer it
 * asks for (the Critic's output schemas, docs/critic.md): `faithful` + `contradictions`
 * (faithfulness), `toxic` + `categories` (toxicity), `preferred` "1"/"2"/"tie" (a pairwise FED
 * comparison), `conversations[].scores` (the rubric, with its policies). Anything else is not a
 * judge the simulator reads for.
 */
export type JudgeRequest =
  | { kind: 'faithfulness' }
  | { kind: 'toxicity' }
  | { kind: 'pairwise' }
  | { kind: 'rubric'; policies: string[] };

type SchemaObject = { [keyword: string]: unknown };

export function recognizeJudge(schema: JsonSchema): JudgeRequest | undefined {
  const properties = propertiesOf(schema);
  if (!properties) return undefined;
  if (typeOf(properties['faithful']) === 'boolean' && properties['contradictions'])
    return { kind: 'faithfulness' };
  if (typeOf(properties['toxic']) === 'boolean' && properties['categories']) return { kind: 'toxicity' };
  const preferred = properties['preferred'];
  if (
    isObject(preferred) &&
    Array.isArray(preferred['enum']) &&
    preferred['enum'].includes('1') &&
    preferred['enum'].includes('2')
  )
    return { kind: 'pairwise' };
  const conversations = properties['conversations'];
  if (isObject(conversations) && isObject(conversations['items'])) {
    const scores = propertiesOf(conversations['items'])?.['scores'];
    const policies = propertiesOf(scores as JsonSchema);
    if (policies) return { kind: 'rubric', policies: Object.keys(policies) };
  }
  return undefined;
}

function propertiesOf(schema: JsonSchema | undefined): Record<string, SchemaObject> | undefined {
  if (!isObject(schema)) return undefined;
  const properties = schema['properties'];
  return isObject(properties) ? (properties as Record<string, SchemaObject>) : undefined;
}

function typeOf(node: unknown): unknown {
  return isObject(node) ? node['type'] : undefined;
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
