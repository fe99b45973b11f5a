import { type Conversation, hashString, type SimulatorQuality, simulatorQualitySchema } from '@parley/core';
import { PlantedLog } from './planted-log';
import { type SeenDefect, seenDefects } from './seen-defects';

/**
 * Everything the content-aware answers need that outlives one request: the `quality:` settings,
 * the record of planted defects (for measuring), and a cache of what the examples of Generator
 * prompts show (the same pool examples come back in thousands of prompts).
 */
export class QualityModel {
  readonly planted = new PlantedLog();
  private readonly exampleDefects = new Map<string, readonly SeenDefect[]>();

  constructor(readonly settings: SimulatorQuality = simulatorQualitySchema.parse({})) {}

  /** seenDefects of a prompt's example, remembered by its text. */
  exampleDefectsOf(example: Conversation): readonly SeenDefect[] {
    const key = exampleKey(example);
    let found = this.exampleDefects.get(key);
    if (!found) {
      if (this.exampleDefects.size >= EXAMPLE_CACHE_LIMIT) this.exampleDefects.clear();
      found = seenDefects(example);
      this.exampleDefects.set(key, found);
    }
    return found;
  }
}

const EXAMPLE_CACHE_LIMIT = 20_000;

function exampleKey(example: Conversation): string {
  const text = [
    example.user1Persona.join('\n'),
    example.user2Persona.join('\n'),
    ...example.turns.map((turn) => `${turn.speaker}:${turn.text}`),
  ].join('\u0001');
  return `${hashString(text)}-${hashString(text, 0x1b873593)}-${text.length}`;
}
