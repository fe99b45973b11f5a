import {
  type Conversation,
  randomFor,
  runIndependentId,
  type SeededRandom,
  type Speaker,
} from '@parley/core';
import { contentStems } from '@parley/critic';
import type { AttributePool } from './attribute-pool';
import { contradictAttribute } from './contradict-attribute';
import { negateAttribute } from './negate-attribute';
import { attributeKey } from './persona-key';

/**
 * What a statement shown to the faithfulness judge is: one of the speaker's real attributes or
 * one of four distractors — the negation of a real attribute, a random attribute of another
 * profile, a statement contradicting a real attribute, and an attribute of the conversation
 * partner (it tests that the judge tells the two speakers apart).
 */
export const STATEMENT_KINDS = ['real', 'negation', 'other-profile', 'contradiction', 'partner'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];
export type DistractorKind = Exclude<StatementKind, 'real'>;
export const DISTRACTOR_KINDS: readonly DistractorKind[] = [
  'negation',
  'other-profile',
  'contradiction',
  'partner',
];

export interface PersonaStatement {
  text: string;
  kind: StatementKind;
  /** The real attribute a negation or contradiction was made from. */
  source?: string;
  /**
   * How a distractor was made: `negator`, `template` (no rule applied: "It is not true that
   * ..."), `opposite` (a word swapped for its opposite or a count changed), `same-topic` (another
   * profile's attribute sharing a content word), `random`, `partner`.
   */
  rule?: string;
}

/** One question of the faithfulness test: a speaker of a conversation and the shuffled statements. */
export interface FaithfulnessItem {
  conversationId: string;
  speaker: Speaker;
  statements: PersonaStatement[];
}

export interface PersonaStatementOptions {
  /** Seed of every choice; an item depends only on it, the conversation and the speaker. @defaultValue 1 */
  seedValue?: number;
  /** Real attributes shown (fewer when the persona has fewer). @defaultValue 4 */
  realStatements?: number;
}

export const DEFAULT_PERSONA_STATEMENT_OPTIONS: Required<PersonaStatementOptions> = {
  seedValue: 1,
  realStatements: 4,
};

/**
 * Builds the 8 statements of the faithfulness test for one speaker: up to 4 real attributes and
 * the 4 distractors, none equal to any of the speaker's attributes nor to each other, shuffled.
 * Undefined when the speaker has no persona (the test cannot ask about it).
 */
export function buildFaithfulnessItem(
  conversation: Conversation,
  speaker: Speaker,
  pool: AttributePool,
  options: PersonaStatementOptions = {},
): FaithfulnessItem | undefined {
  const { seedValue, realStatements } = { ...DEFAULT_PERSONA_STATEMENT_OPTIONS, ...options };
  const own = distinct(speaker === 'user1' ? conversation.user1Persona : conversation.user2Persona);
  const partner = distinct(speaker === 'user1' ? conversation.user2Persona : conversation.user1Persona);
  if (own.length === 0) return undefined;
  const random = randomFor(seedValue, 'faithfulness', runIndependentId(conversation.id), speaker);
  const order = random.shuffle(own);
  const shown = order.slice(0, realStatements);
  const used = new Set(own.map(attributeKey));
  const partnerKeys = new Set(partner.map(attributeKey));
  const statements: PersonaStatement[] = shown.map((text) => ({ text, kind: 'real' }));
  const add = (statement: PersonaStatement | undefined) => {
    if (!statement) return;
    used.add(attributeKey(statement.text));
    statements.push(statement);
  };
  const fresh = (text: string | undefined) => text !== undefined && !used.has(attributeKey(text));

  // Negation: of an attribute not shown when there is one, so it does not sit beside its positive.
  const negationSources = [...order.slice(realStatements), ...shown];
  let negated: string | undefined;
  for (const source of negationSources) {
    const text = negateAttribute(source);
    if (fresh(text)) {
      negated = source;
      add({ text: text!, kind: 'negation', source, rule: 'negator' });
      break;
    }
  }
  if (negated === undefined) {
    const source = negationSources[0]!;
    const text = `It is not true that ${lowerFirst(source.trim().replace(/[.!?]+$/, ''))}.`;
    if (fresh(text)) {
      negated = source;
      add({ text, kind: 'negation', source, rule: 'template' });
    }
  }

  const excludedFromOthers = new Set([...used, ...partnerKeys]);
  const other = pool.pick(random, excludedFromOthers);
  if (other) add({ text: other.text, kind: 'other-profile', rule: 'random' });

  add(contradiction(order, negated, used, partnerKeys, pool, random, fresh));

  const partnerAttribute = random.shuffle(partner).find((text) => fresh(text));
  if (partnerAttribute) add({ text: partnerAttribute, kind: 'partner', rule: 'partner' });
  else {
    const fallback = pool.pick(random, new Set([...used, ...partnerKeys]));
    if (fallback) add({ text: fallback.text, kind: 'partner', rule: 'random' });
  }

  return { conversationId: conversation.id, speaker, statements: random.shuffle(statements) };
}

function contradiction(
  order: readonly string[],
  negated: string | undefined,
  used: ReadonlySet<string>,
  partnerKeys: ReadonlySet<string>,
  pool: AttributePool,
  random: SeededRandom,
  fresh: (text: string | undefined) => boolean,
): PersonaStatement | undefined {
  // Prefer a real attribute other than the negated one, so two distractors do not share a source.
  const sources = [...order.filter((text) => text !== negated), ...(negated ? [negated] : [])];
  for (const source of sources) {
    const text = contradictAttribute(source);
    if (fresh(text)) return { text: text!, kind: 'contradiction', source, rule: 'opposite' };
  }
  // No rule applies: another profile's attribute on the same topic ("I have a cat" for "I have a dog").
  const excluded = new Set([...used, ...partnerKeys]);
  const ownStems = new Set(order.flatMap((text) => contentStems(text)));
  const sameTopic = pool.pick(random, excluded, (attribute) =>
    [...attribute.stems].some((stem) => ownStems.has(stem)),
  );
  if (sameTopic) return { text: sameTopic.text, kind: 'contradiction', rule: 'same-topic' };
  const any = pool.pick(random, excluded);
  return any ? { text: any.text, kind: 'contradiction', rule: 'random' } : undefined;
}

function distinct(attributes: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const attribute of attributes) {
    const key = attributeKey(attribute);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    result.push(attribute.trim());
  }
  return result;
}

function lowerFirst(text: string): string {
  return /^I\b/.test(text) ? text : `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
