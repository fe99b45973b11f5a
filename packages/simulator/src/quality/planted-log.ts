import { hashString, SIMULATED_DEFECT_KINDS, type SimulatedDefectKind } from '@parley/core';

/** What the Generator planted into one conversation it wrote; `defects` empty for a clean one. */
export interface PlantedRecord {
  /** conversationKey of the turns as written. */
  key: string;
  defects: SimulatedDefectKind[];
}

/** Counts over every conversation the Generator wrote (a retried request counts once). */
export interface PlantedSummary {
  conversations: number;
  withDefects: number;
  byKind: Record<SimulatedDefectKind, number>;
}

/**
 * A conversation's identity as text: its turns (speaker and trimmed text), hashed. The same
 * turns read back from a run's accepted or rejected lines give the same key, so a benchmark can
 * look up what was planted. `speaker` is `user1`/`user2` or `User 1`/`User 2`.
 */
export function conversationKey(turns: ReadonlyArray<{ speaker: string | null; text: string }>): string {
  const text = turns
    .map(
      (turn) => `${turn.speaker === 'user1' || turn.speaker === 'User 1' ? 1 : 2}\u0000${turn.text.trim()}`,
    )
    .join('\u0001');
  return `${hashString(text).toString(36)}-${hashString(text, 0x1b873593).toString(36)}-${text.length.toString(36)}`;
}

/**
 * The simulator's own record of what it planted, for measuring only: the judges never read it
 * (they see the prompt's text and nothing else). Bounded: past `limit` records the oldest go.
 */
export class PlantedLog {
  private readonly records = new Map<string, SimulatedDefectKind[]>();

  constructor(private readonly limit = 500_000) {}

  record(key: string, defects: readonly SimulatedDefectKind[]): void {
    this.records.delete(key);
    this.records.set(key, [...defects]);
    if (this.records.size > this.limit) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }

  lookup(key: string): SimulatedDefectKind[] | undefined {
    return this.records.get(key);
  }

  all(): PlantedRecord[] {
    return [...this.records].map(([key, defects]) => ({ key, defects: [...defects] }));
  }

  summary(): PlantedSummary {
    const byKind = Object.fromEntries(SIMULATED_DEFECT_KINDS.map((kind) => [kind, 0])) as Record<
      SimulatedDefectKind,
      number
    >;
    let withDefects = 0;
    for (const defects of this.records.values()) {
      if (defects.length > 0) withDefects++;
      for (const kind of defects) byKind[kind]++;
    }
    return { conversations: this.records.size, withDefects, byKind };
  }

  clear(): void {
    this.records.clear();
  }
}
