import type { Conversation, Turn } from '@parley/core';

/**
 * The conversations a prompt shows, read back from its text the way Parley's prompts write them:
 * a `Conversation:` / `Conversation 2:` header, then `User 1: ...` lines; personas as
 * `User 1's persona:` or `User 1 Profile:` headers followed by `- sentence` lines. Personas given
 * inside a block (before its first turn) are that block's; personas given between blocks are
 * the next block's; a block with none of its own shares the previous block's (a pairwise or
 * rubric prompt lists the shared personas once, on top). Blocks without turns (the Generator's
 * target, which ends on an empty `Conversation:`) are left out.
 */
export function shownConversations(text: string): Conversation[] {
  const blocks: Array<{ personas: Personas | undefined; turns: Turn[] }> = [];
  let pending: Personas | undefined;
  let current: { personas: Personas | undefined; turns: Turn[] } | undefined;
  let collecting: string[] | undefined;
  let inherited: Personas | undefined;

  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    const header = BLOCK_HEADER.exec(line);
    if (header) {
      current = { personas: pending ?? inherited, turns: [] };
      inherited = current.personas;
      pending = undefined;
      blocks.push(current);
      collecting = undefined;
      continue;
    }
    const persona = PERSONA_HEADER.exec(line);
    if (persona) {
      const inBlock = current !== undefined && current.turns.length === 0;
      let target: Personas;
      if (inBlock) {
        target = fresh(current!.personas, inherited);
        current!.personas = target;
      } else {
        pending ??= empty();
        target = pending;
      }
      collecting = persona[1] === '1' ? target.user1 : target.user2;
      collecting.length = 0;
      if (persona[2]) collecting.push(...splitSentences(persona[2]));
      if (inBlock) inherited = current!.personas;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item && collecting) {
      collecting.push(item[1]!);
      continue;
    }
    if (line === '' || line === '(no persona)') continue;
    collecting = undefined;
    const turn = TURN_LINE.exec(line);
    if (turn && current) {
      current.turns.push({ speaker: turn[1] === '1' ? 'user1' : 'user2', text: turn[2]! });
      continue;
    }
    // Any other line (a question, the instructions, "Quality (...)") ends the block.
    if (current && current.turns.length > 0) current = undefined;
  }
  return blocks
    .filter((block) => block.turns.length > 0)
    .map((block, index) => ({
      id: `shown-${index + 1}`,
      user1Persona: block.personas?.user1 ?? [],
      user2Persona: block.personas?.user2 ?? [],
      turns: block.turns,
    }));
}

interface Personas {
  user1: string[];
  user2: string[];
}

const BLOCK_HEADER = /^Conversation(?:\s+\d+)?:$/i;
const PERSONA_HEADER = /^(?:#+\s*)?User\s*([12])(?:'s)?\s*(?:persona|profile)\s*:\s*(.*)$/i;
const LIST_ITEM = /^[-*•]\s+(.+?)$/;
const TURN_LINE = /^User\s*([12])\s*:\s*(.*)$/;

function empty(): Personas {
  return { user1: [], user2: [] };
}

/** A block's own personas: a copy of what it had inherited, so filling it leaves the others alone. */
function fresh(own: Personas | undefined, inherited: Personas | undefined): Personas {
  if (own && own !== inherited) return own;
  return { user1: [...(own?.user1 ?? [])], user2: [...(own?.user2 ?? [])] };
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}
