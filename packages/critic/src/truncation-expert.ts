import type { ExpertVerdict } from '@parley/core';
import type { DirectFilterExpert } from './expert';

/** How a finished sentence ends: punctuation, maybe closed by quotes or brackets, or an emoji or emoticon. */
const FINISHED_SENTENCE = /(?:[.!?…]+["'”’)\]]*|\p{Extended_Pictographic}\uFE0F?|[:;]-?[)(DPp])\s*$/u;

/** Closings chat leaves unpunctuated; an unpunctuated last line must end with one. */
const CLOSING = new RegExp(
  `^(?:(?:yes|yeah|yep|sure|ok|okay|oh|well|haha|lol|wow|great|awesome|cool|alright|all right)[ ,]+)*(?:${[
    'thanks?(?: (?:so much|again|too|for (?:the|your) \\w+(?: \\w+)?))?',
    'thank you(?: (?:so much|again|too|for (?:the|your) \\w+(?: \\w+)?))?',
    'definitely',
    'absolutely',
    'sure',
    'i agree',
    'you should',
    '(?:that )?sounds like a (?:great|good|fun|nice) (?:idea|plan)',
    'sounds (?:good|great|fun|perfect|like a plan|like fun|awesome)',
    '(?:that )?(?:would be|sounds|is) (?:great|good|fun|awesome|nice|perfect|lovely|amazing)',
    "i(?:'d| would) (?:love|like) (?:that|to)",
    "i(?:'m| am) (?:in|down)",
    'i think so(?: too)?',
    'i hope so(?: too)?',
    'i will(?: do)?',
    'will do',
    "(?:i )?can(?:'t|not) wait",
    'me (?:too|neither)',
    'you too',
    'same (?:here|to you)',
    'likewise',
    '(?:bye|goodbye)(?: bye)?',
    'good ?night',
    'see (?:you|ya)(?: (?:later|soon|then|there|tomorrow|around|next time|at \\w+))?',
    'talk (?:to you )?(?:later|soon)',
    '(?:i )?hope (?:we|to) (?:can )?(?:talk|chat|meet|see you) (?:again )?(?:soon|later)?(?: too)?',
    'take care',
    'for sure',
    'of course',
    'deal',
    'great',
    'cool',
    'awesome',
    'perfect',
    'agreed',
    'cheers',
    "you(?:'re| are) welcome",
    'no problem',
    "let's do it",
    "it's a date",
    '(?:it was )?(?:nice|great|fun|good) (?:talking|chatting|meeting) (?:to |with )?you(?: too)?',
    '(?:have|enjoy) (?:a|your) (?:great|good|nice|wonderful) (?:day|night|time|weekend|evening|one)',
  ].join('|')})(?:[ ,]+(?:too|then|again|buddy|friend|everyone))?$`,
  'i',
);

/** True when a last line stops mid-sentence: no end punctuation, and its last words are no closing. */
export function stopsMidSentence(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length === 0 || FINISHED_SENTENCE.test(trimmed)) return false;
  const lastSentence = trimmed.split(/(?<=[.!?…])\s+/).at(-1) ?? trimmed;
  const words = lastSentence
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}' ,]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return !CLOSING.test(words);
}

/**
 * Offline truncation filter: fails a conversation whose last line stops mid-sentence, as a
 * model's answer cut off by its output limit does ("Me too! I love"). Chat often ends without
 * punctuation, so an unpunctuated last line passes when its last sentence is a closing
 * ("Sounds good", "Thanks", "See you then"). On the SPC test split it fails 14 of 968
 * conversations, a few of them cut off for real ("Me too! They're al").
 */
export function createTruncationExpert(): DirectFilterExpert {
  return {
    type: 'direct',
    name: 'truncation',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const last = [...conversation.turns].reverse().find((turn) => turn.speaker !== null);
      const cut = last !== undefined && stopsMidSentence(last.text);
      return {
        expert: 'truncation',
        kind: 'filter',
        passed: !cut,
        rationale: cut
          ? `the last line stops mid-sentence: …${JSON.stringify(last.text.trim().slice(-40))}`
          : 'the conversation ends properly',
      };
    },
  };
}
