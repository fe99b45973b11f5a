import { type Conversation, randomFor, runIndependentId } from '@parley/core';
import { profilePairKey } from './persona-key';

/** The reference (human-side) conversation a synthetic one is compared with. */
export interface ReferenceMatch {
  reference: Conversation;
  /** True when the reference was written for the same two personas. */
  sameProfiles: boolean;
}

export interface ReferenceMatcherOptions {
  /** Seed of the choice among several candidates. @defaultValue 1 */
  seedValue?: number;
  /** Fewest turns with a speaker a reference needs to be shown to a judge. @defaultValue 2 */
  minTurns?: number;
}

/**
 * Pairs each evaluated conversation with a reference conversation for the AI-detection test:
 * one for the same profile pair (the same two persona sets, in either role) when the reference
 * has one, else a deterministic other one. Never the conversation itself (same id), so a file
 * can serve as its own reference.
 */
export class ReferenceMatcher {
  private readonly usable: Conversation[];
  private readonly byPair = new Map<string, Conversation[]>();
  private readonly seedValue: number;

  constructor(reference: Iterable<Conversation>, options: ReferenceMatcherOptions = {}) {
    const minTurns = options.minTurns ?? 2;
    this.seedValue = options.seedValue ?? 1;
    this.usable = [...reference].filter(
      (conversation) => conversation.turns.filter((turn) => turn.speaker !== null).length >= minTurns,
    );
    for (const conversation of this.usable) {
      const key = profilePairKey(conversation);
      const list = this.byPair.get(key);
      if (list) list.push(conversation);
      else this.byPair.set(key, [conversation]);
    }
  }

  /** Reference conversations that can be shown. */
  get size(): number {
    return this.usable.length;
  }

  match(conversation: Conversation): ReferenceMatch | undefined {
    const random = randomFor(this.seedValue, 'turing', runIndependentId(conversation.id));
    const same = (this.byPair.get(profilePairKey(conversation)) ?? []).filter(
      (candidate) => candidate.id !== conversation.id,
    );
    if (same.length > 0) return { reference: random.pick(same), sameProfiles: true };
    const others = this.usable.length;
    if (others === 0) return undefined;
    const start = random.below(others);
    for (let offset = 0; offset < others; offset++) {
      const candidate = this.usable[(start + offset) % others]!;
      if (candidate.id !== conversation.id) return { reference: candidate, sameProfiles: false };
    }
    return undefined;
  }
}
