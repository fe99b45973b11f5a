import { type Conversation, ID_PATTERN, type ProfilePair } from '@parley/core';

/** The seed's own pairs, and the conversations that could not give one. */
export interface SeedPairs {
  pairs: ProfilePair[];
  /** Ids of conversations skipped because a speaker has no persona sentence. */
  skipped: string[];
}

/**
 * `personas.mode: seed-pairs`: the profile pairs of the seed conversations themselves (SPC's
 * persona-chat-compatible mode: the same pairs, new conversations). One pair per conversation,
 * in seed order. Ids are stable, derived from the conversation id and made safe for job ids
 * (letters, digits, - and _): pair `<id>`, profiles `<id>-user1` / `<id>-user2`.
 */
export function seedPairsFromConversations(conversations: Iterable<Conversation>): SeedPairs {
  const pairs: ProfilePair[] = [];
  const skipped: string[] = [];
  const used = new Set<string>();
  for (const conversation of conversations) {
    const user1 = conversation.user1Persona.map((attribute) => attribute.trim()).filter(Boolean);
    const user2 = conversation.user2Persona.map((attribute) => attribute.trim()).filter(Boolean);
    if (user1.length === 0 || user2.length === 0) {
      skipped.push(conversation.id);
      continue;
    }
    const id = uniqueId(safeId(conversation.id), used);
    pairs.push({
      id,
      user1: { id: `${id}-user1`, attributes: user1 },
      user2: { id: `${id}-user2`, attributes: user2 },
    });
  }
  return { pairs, skipped };
}

/** A conversation id made safe for a job id; room is left for the `-user1` suffix. */
function safeId(conversationId: string): string {
  const safe = conversationId
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return ID_PATTERN.test(safe) ? safe : 'seed';
}

/** Ids that became equal when made safe (`a.b` and `a:b`) get `-2`, `-3`... in seed order. */
function uniqueId(id: string, used: Set<string>): string {
  let candidate = id;
  for (let suffix = 2; used.has(candidate); suffix++) candidate = `${id}-${suffix}`;
  used.add(candidate);
  return candidate;
}
