import { type Conversation, randomFor } from '@parley/core';
import { derangement } from '../swap-personas';
import { DEFECT_KINDS, type DefectKind } from './defect-kinds';
import { plantDefect } from './plant-defect';

/** One planted conversation: its copy with the defect, and what was done. */
export interface PlantedConversation {
  /** Id of the untouched conversation it was made from. */
  sourceId: string;
  conversation: Conversation;
  note: string;
}

/** Every copy of one defect kind, and the conversations that could not take it. */
export interface PlantedSet {
  kind: DefectKind;
  planted: PlantedConversation[];
  skipped: Array<{ id: string; reason: string }>;
}

export interface PlantDefectsOptions {
  /** @defaultValue every kind */
  kinds?: readonly DefectKind[];
  /** Seed of every random choice (which turn, which sentence, which donor). @defaultValue 1 */
  seed?: number;
}

/**
 * One copy of every conversation per defect kind, with that one defect planted. A copy's id is
 * the source id with `~kind` added. Deterministic for a given seed; a donor of swapped personas
 * is never the conversation itself (a seeded derangement, as in `--swap-personas`).
 */
export function plantDefects(
  conversations: readonly Conversation[],
  options: PlantDefectsOptions = {},
): PlantedSet[] {
  const { kinds = DEFECT_KINDS, seed = 1 } = options;
  const donors = conversations.length >= 2 ? derangement(conversations.length, seed) : [];
  return kinds.map((kind) => {
    const set: PlantedSet = { kind, planted: [], skipped: [] };
    conversations.forEach((conversation, index) => {
      const result = plantDefect(kind, conversation, {
        random: randomFor(seed, kind, conversation.id),
        donor: donors.length > 0 ? conversations[donors[index]!] : undefined,
      });
      if ('skipped' in result) set.skipped.push({ id: conversation.id, reason: result.skipped });
      else {
        set.planted.push({
          sourceId: conversation.id,
          conversation: { ...result.planted, id: `${conversation.id}~${kind}` },
          note: result.note,
        });
      }
    });
    return set;
  });
}
