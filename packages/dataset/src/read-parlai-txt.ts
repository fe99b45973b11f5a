import type { Turn } from '@parley/core';
import { shorten } from './conversation-quirks';
import { readTextLines } from './read-text';
import { seedId } from './seed-id';
import type { FormatReaderInput } from './seed-read-context';
import type { Quirk, SeedRecord } from './seed-record';

const NUMBERED_LINE = /^(\d+) (.*)$/s;
const SELF_PERSONA = 'your persona:';
const PARTNER_PERSONA = "partner's persona:";
const SILENCE = /^__\s*silence\s*__$/i;

interface Episode {
  number: number;
  line: number;
  lastNumber: number;
  selfPersona: string[];
  partnerPersona: string[];
  turns: Turn[];
  turnLines: number[];
  quirks: Quirk[];
  /** Set once a line of the episode was bad: the episode is skipped. */
  broken: boolean;
}

/**
 * Reads ParlAI Persona-Chat text (`self_original`, `both_original`, `none_original`, the
 * `revised` variants): `N your persona: ...`, `N partner's persona: ...`, then
 * `N utterance<TAB>label<TAB><TAB>cand1|cand2|...`; an episode restarts where N is 1.
 *
 * Speakers: the partner speaks each utterance and opens the conversation, so the partner is
 * user 1 (persona from `partner's persona:` lines, empty in `self_*` files); "you" answer with
 * the label and are user 2 (persona from `your persona:` lines). A `__SILENCE__` utterance
 * (you open the conversation) is dropped and counted.
 */
export async function* readParlaiTxt({
  file,
  stem,
  context,
  decoder,
}: FormatReaderInput): AsyncGenerator<SeedRecord> {
  let episode: Episode | undefined;
  let episodes = 0;

  const finishEpisode = (): SeedRecord | undefined => {
    if (!episode || episode.broken) return undefined;
    return context.finish({
      conversation: {
        id: seedId(stem, episode.number),
        user1Persona: episode.partnerPersona,
        user2Persona: episode.selfPersona,
        turns: episode.turns,
      },
      line: episode.line,
      quirks: episode.quirks,
      turnLines: episode.turnLines,
    });
  };
  const breakEpisode = (
    current: Episode,
    line: number,
    reason: 'malformed-line' | 'invalid-utf8',
    message: string,
  ) => {
    current.broken = true;
    context.skip(line, reason, `${message} (episode starting at line ${current.line})`);
  };

  for await (const { text, line } of readTextLines(file, decoder)) {
    if (text.trim() === '') continue;
    const match = NUMBERED_LINE.exec(text);
    const number = match ? Number(match[1]) : Number.NaN;
    if (!episode || number === 1) {
      const finished = finishEpisode();
      if (finished) yield finished;
      episodes += 1;
      episode = {
        number: episodes,
        line,
        lastNumber: number,
        selfPersona: [],
        partnerPersona: [],
        turns: [],
        turnLines: [],
        quirks: [],
        broken: false,
      };
      if (match && number !== 1) {
        episode.quirks.push({ kind: 'line-number-gap', line, detail: `episode starts at ${number}` });
      }
    } else if (match) {
      if (number !== episode.lastNumber + 1) {
        episode.quirks.push({
          kind: 'line-number-gap',
          line,
          detail: `${episode.lastNumber} then ${number}`,
        });
      }
      episode.lastNumber = number;
    }
    if (episode.broken) continue;
    if (!match) {
      breakEpisode(
        episode,
        line,
        'malformed-line',
        `expected "N text", got ${JSON.stringify(shorten(text, 40))}`,
      );
      continue;
    }
    if (decoder.firstInvalidLineBetween(line, line) !== undefined) {
      breakEpisode(episode, line, 'invalid-utf8', 'invalid UTF-8');
      continue;
    }
    const body = match[2] ?? '';
    const persona = body.startsWith(SELF_PERSONA)
      ? episode.selfPersona
      : body.startsWith(PARTNER_PERSONA)
        ? episode.partnerPersona
        : undefined;
    if (persona) {
      if (episode.turns.length > 0) {
        breakEpisode(episode, line, 'malformed-line', 'a persona line after the dialogue started');
        continue;
      }
      const attribute = body
        .slice(persona === episode.selfPersona ? SELF_PERSONA.length : PARTNER_PERSONA.length)
        .trim();
      if (attribute === '') episode.quirks.push({ kind: 'blank-persona-line', line });
      else persona.push(attribute);
      continue;
    }
    const fields = body.split('\t');
    const utterance = fields[0] ?? '';
    const label = fields[1]?.split('|')[0] ?? '';
    if (fields.length < 2 || label.trim() === '') {
      breakEpisode(
        episode,
        line,
        'malformed-line',
        'expected "N utterance<TAB>label" (no label; a truncated line?)',
      );
      continue;
    }
    if (SILENCE.test(utterance.trim())) {
      episode.quirks.push({ kind: 'silence-token', line, detail: utterance.trim() });
    } else {
      episode.turns.push({ speaker: 'user1', text: utterance.trim() });
      episode.turnLines.push(line);
    }
    episode.turns.push({ speaker: 'user2', text: label.trim() });
    episode.turnLines.push(line);
  }
  const finished = finishEpisode();
  if (finished) yield finished;
}
