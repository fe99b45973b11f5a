import { type Conversation, type SeededRandom, speakerLabel } from '@parley/core';
import { compileWordlist, personaContradictions, TOXIC_WORDS } from '@parley/critic';
import type { JudgeRequest } from './judge-request';
import type { QualityModel } from './quality-model';
import { FAITHFULNESS_DEFECTS, type SeenDefect, seenDefects, TOXICITY_DEFECTS } from './seen-defects';
import { shownConversations } from './shown-conversations';

/**
 * A judge's answer read from what the prompt shows: the conversation(s) and personas are parsed
 * back from the prompt text, checked with seenDefects, and the verdict follows what is seen
 * with the judge's configured accuracy (the opposite verdict otherwise). Nothing else is read:
 * not the request's metadata, not what the Generator planted. Undefined when the prompt shows
 * no conversation this judge could read (the caller falls back to schema-shaped answers).
 */
export function judgeAnswer(
  request: JudgeRequest,
  prompt: string,
  quality: QualityModel,
  random: SeededRandom,
): unknown {
  const shown = shownConversations(prompt);
  const accuracy = quality.settings.accuracy;
  switch (request.kind) {
    case 'faithfulness': {
      const candidate = shown.at(-1);
      return candidate && faithfulnessAnswer(candidate, random.chance(accuracy.faithfulness), random);
    }
    case 'toxicity': {
      const candidate = shown.at(-1);
      return candidate && toxicityAnswer(candidate, random.chance(accuracy.toxicity));
    }
    case 'pairwise':
      return shown.length === 2
        ? pairwiseAnswer(shown[0]!, shown[1]!, random.chance(accuracy.pairwise), random)
        : undefined;
    case 'rubric':
      return shown.length > 0 ? rubricAnswer(shown, request.policies, accuracy.rubric, random) : undefined;
  }
}

function faithfulnessAnswer(conversation: Conversation, correct: boolean, random: SeededRandom) {
  const seen = seenDefects(conversation).filter((defect) => FAITHFULNESS_DEFECTS.has(defect));
  const unfaithful = correct ? seen.length > 0 : seen.length === 0;
  if (!unfaithful) {
    return {
      reasoning: 'Each speaker’s statements fit their own persona; nothing contradicts either persona.',
      contradictions: [],
      faithful: true,
    };
  }
  const found = correct
    ? personaContradictions(conversation)
        .slice(0, 3)
        .map((item) => ({
          speaker: speakerLabel(item.speaker),
          attribute: item.attribute,
          evidence: `${speakerLabel(item.speaker)}: ${item.statement}`,
        }))
    : [];
  if (found.length === 0) {
    // A persona the speaker does not live up to (or, for a wrong verdict, one picked at random).
    const speaker = random.chance(0.5) ? 'user1' : 'user2';
    const persona = speaker === 'user1' ? conversation.user1Persona : conversation.user2Persona;
    const lines = conversation.turns.filter((turn) => turn.speaker === speaker);
    found.push({
      speaker: speakerLabel(speaker),
      attribute: persona.length > 0 ? random.pick(persona) : '(no persona)',
      evidence: lines.length > 0 ? `${speakerLabel(speaker)}: ${random.pick(lines).text}` : '',
    });
  }
  return {
    reasoning: `${found.map((item) => `${item.speaker} is at odds with "${item.attribute}"`).join('; ')}.`,
    contradictions: found,
    faithful: false,
  };
}

const toxicMatches = compileWordlist(TOXIC_WORDS);
const SELF_HARM =
  /\b(?:kill yourself|kys|end your life|take your own life|hang yourself|just die|jump off|drink bleach)\b/i;
const VIOLENCE = /\b(?:kill you|hurt you|beat you|break your|watch your back|dead meat)\b/i;

function toxicityAnswer(conversation: Conversation, correct: boolean) {
  const seen = seenDefects(conversation).filter((defect) => TOXICITY_DEFECTS.has(defect));
  const toxic = correct ? seen.length > 0 : seen.length === 0;
  if (!toxic) return { reasoning: 'Friendly small talk; no line is toxic.', categories: [], toxic: false };
  const lines = conversation.turns
    .filter((turn) => toxicMatches(turn.text).length > 0)
    .map((turn) => turn.text);
  const text = lines.join(' ');
  const categories = [
    ...(SELF_HARM.test(text) ? ['self-harm'] : []),
    ...(VIOLENCE.test(text) ? ['violence'] : []),
  ];
  if (categories.length === 0) categories.push('harassment');
  return {
    reasoning:
      lines.length > 0
        ? `A line attacks the other speaker: "${lines[0]!.slice(0, 160)}".`
        : 'The tone of the conversation is hostile.',
    categories,
    toxic: true,
  };
}

function pairwiseAnswer(first: Conversation, second: Conversation, correct: boolean, random: SeededRandom) {
  const firstDefects = seenDefects(first);
  const secondDefects = seenDefects(second);
  if (firstDefects.length === secondDefects.length) {
    // Nothing to tell them apart by: a coin, as a judge without a reason would.
    const preferred = random.chance(0.5) ? '1' : '2';
    return {
      reasoning: `Both conversations are ${firstDefects.length === 0 ? 'fine' : `flawed (${describe(firstDefects)})`}; conversation ${preferred} reads slightly better.`,
      preferred,
    };
  }
  const better = firstDefects.length < secondDefects.length ? '1' : '2';
  const preferred = correct ? better : better === '1' ? '2' : '1';
  const worse = preferred === '1' ? secondDefects : firstDefects;
  return {
    reasoning:
      worse.length > 0
        ? `Conversation ${preferred === '1' ? 2 : 1} shows ${describe(worse)}; conversation ${preferred} does better.`
        : `Conversation ${preferred} reads better.`,
    preferred,
  };
}

/**
 * Grades from 1 to 10 per policy: a conversation without a seen defect gets 7–10, each defect
 * costs about 2.5 points; with probability 1 − accuracy a conversation's grades are drawn at
 * random instead (a misjudged conversation).
 */
function rubricAnswer(
  conversations: Conversation[],
  policies: string[],
  accuracy: number,
  random: SeededRandom,
) {
  return {
    conversations: conversations.map((conversation, index) => {
      const defects = seenDefects(conversation);
      const correct = random.chance(accuracy);
      const base = correct
        ? defects.length === 0
          ? random.integer(7, 10)
          : Math.max(1, random.integer(5, 7) - Math.round(2.5 * defects.length))
        : random.integer(1, 10);
      const scores = Object.fromEntries(
        policies.map((policy) => [policy, Math.min(10, Math.max(1, base + random.integer(-1, 1)))]),
      );
      return {
        conversation: index + 1,
        reasoning:
          defects.length === 0 || !correct ? 'Natural and consistent.' : `Shows ${describe(defects)}.`,
        scores,
      };
    }),
  };
}

const DESCRIPTIONS: Record<SeenDefect, string> = {
  copying: 'persona sentences pasted verbatim',
  abuse: 'abusive language',
  repetition: 'repeated turns',
  truncation: 'an ending cut off mid-sentence',
  'persona-mismatch': 'speakers that do not match their personas',
  contradiction: 'a speaker contradicting their persona',
  incoherence: 'turns out of order',
};

function describe(defects: readonly SeenDefect[]): string {
  return defects.map((defect) => DESCRIPTIONS[defect]).join(', ');
}
