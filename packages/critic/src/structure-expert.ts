import { type Conversation, type ExpertVerdict, speakerLabel } from '@parley/core';
import type { DirectFilterExpert } from './expert';

export interface StructureExpertOptions {
  /** Fewest turns each speaker must have. @defaultValue 1 */
  minTurnsPerSpeaker?: number;
  /** Most turns a speaker may have; absent means no upper bound. @defaultValue undefined */
  maxTurnsPerSpeaker?: number;
  /**
   * Lines that follow the same speaker's previous line ("Thanks, I will." / "I'm also an
   * artist..."), tolerated per conversation: SPC's own conversations have up to two, in about
   * 1 % of rows. A third line in a row always fails. @defaultValue 2
   */
  maxFollowUps?: number;
}

/**
 * Text that looks like a slot a generator left unfilled: "[User 1's name]", "[name]", "<name>",
 * "{name}", "(your name)". Square brackets hardly occur in natural chat; angle and curly ones
 * only around a word; round ones only around a slot word ("(city)", "(user 2's job)").
 */
const PLACEHOLDER_PATTERN =
  /\[[^\]\n]{1,60}\]|<\s*[A-Za-z][\w' ]{0,40}>|\{\s*[A-Za-z][\w' ]{0,40}\}|\((?:[^()\n]{0,30}\b)?(?:name|username|user\s*[12]|city|hometown|location|job title)(?:\b[^()\n]{0,30})?\)/gi;

/**
 * Unfilled placeholders of a turn: placeholder-like spans that do not occur in either speaker's
 * persona. A persona may hold such text itself ("My blog is <Cooking with Kim>"), and a turn
 * quoting it fills nothing in.
 */
export function unfilledPlaceholders(text: string, personaText: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    if (!personaText.includes(normaliseSpan(match[0]))) found.push(match[0]);
  }
  return found;
}

/**
 * A line without a speaker that only sets a scene, which real seed conversations hold (SPC:
 * "(The next day)", "[At the restaurant]", "* At the beach *", "* * *", "30 minutes later:").
 * It is narration, not a turn, so structure lets it pass; any other line without a speaker (a
 * pasted recipe, a leaked profile, a conversation without prefixes) is still a problem. A
 * Generator answer gives every line a speaker, so this only matters for seed data.
 */
export function isSceneNote(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return false;
  if (/^\[[^[\]]*\]$/.test(trimmed) || /^\([^()]*\)$/.test(trimmed) || /^\*[^*]+\*$/.test(trimmed))
    return true;
  if (/^[\s*\-_~=#]{3,}$/.test(trimmed)) return true;
  return trimmed.endsWith(':') && trimmed.split(/\s+/).length <= 8;
}

function normaliseSpan(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** The structural problems of a conversation, empty when it is well formed. */
export function structureProblems(
  conversation: Conversation,
  options: StructureExpertOptions = {},
): string[] {
  const { minTurnsPerSpeaker = 1, maxTurnsPerSpeaker, maxFollowUps = 2 } = options;
  const problems: string[] = [];
  const { turns } = conversation;
  if (turns.length === 0) return ['the conversation has no turns'];
  const counts = { user1: 0, user2: 0 };
  const followUps: number[] = [];
  const personaText = normaliseSpan([...conversation.user1Persona, ...conversation.user2Persona].join('\n'));
  turns.forEach((turn, index) => {
    const line = `line ${index + 1}`;
    if (turn.speaker === null) {
      if (!isSceneNote(turn.text))
        problems.push(`${line} has no speaker: ${JSON.stringify(truncate(turn.text))}`);
      return;
    }
    counts[turn.speaker]++;
    if (turn.text.trim().length === 0) problems.push(`${line} (${speakerLabel(turn.speaker)}) is empty`);
    const placeholder = unfilledPlaceholders(turn.text, personaText)[0];
    if (placeholder) problems.push(`${line} has an unfilled placeholder ${placeholder}`);
    const previous = turns[index - 1];
    if (previous?.speaker === turn.speaker) {
      if (turns[index - 2]?.speaker === turn.speaker) {
        problems.push(`${line}: ${speakerLabel(turn.speaker)} speaks three times in a row`);
      } else followUps.push(index + 1);
    }
  });
  if (followUps.length > maxFollowUps) {
    problems.push(
      `the same speaker speaks twice in a row ${followUps.length} times (lines ${followUps.join(', ')}), more than ${maxFollowUps}`,
    );
  }
  for (const speaker of ['user1', 'user2'] as const) {
    const count = counts[speaker];
    if (count < minTurnsPerSpeaker) {
      problems.push(`${speakerLabel(speaker)} has ${count} turns, fewer than ${minTurnsPerSpeaker}`);
    } else if (maxTurnsPerSpeaker !== undefined && count > maxTurnsPerSpeaker) {
      problems.push(`${speakerLabel(speaker)} has ${count} turns, more than ${maxTurnsPerSpeaker}`);
    }
  }
  return problems;
}

/**
 * Offline structure filter: speakers alternate, each has a number of turns within bounds, no
 * turn is empty, no placeholder is left unfilled and every line has a speaker.
 */
export function createStructureExpert(options: StructureExpertOptions = {}): DirectFilterExpert {
  if (
    options.maxTurnsPerSpeaker !== undefined &&
    options.minTurnsPerSpeaker !== undefined &&
    options.minTurnsPerSpeaker > options.maxTurnsPerSpeaker
  ) {
    throw new RangeError('structure expert: minTurnsPerSpeaker must not exceed maxTurnsPerSpeaker');
  }
  return {
    type: 'direct',
    name: 'structure',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const problems = structureProblems(conversation, options);
      const shown = problems.slice(0, 5).join('; ');
      const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
      return {
        expert: 'structure',
        kind: 'filter',
        passed: problems.length === 0,
        rationale: problems.length === 0 ? 'well formed' : `${shown}${more}`,
      };
    },
  };
}

function truncate(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
