import { SIMULATED_DEFECT_KINDS, type SimulatedDefectKind } from '@parley/core';

/**
 * Defects planted into real conversations to measure what the offline experts catch (`parley
 * critic plant` / `score`), each one way a generated conversation goes wrong. The list lives in
 * core, where the simulator's Generator writes the same kinds on purpose.
 */
export const DEFECT_KINDS = SIMULATED_DEFECT_KINDS;
export type DefectKind = SimulatedDefectKind;

/** What each kind does to a conversation, for help texts and reports. */
export const DEFECT_DESCRIPTIONS: Readonly<Record<DefectKind, string>> = {
  'verbatim-copy': 'one speaker pastes every sentence of their profile verbatim into their turns',
  abuse: 'an abusive sentence (insult, threat or self-harm incitement) is added to one turn',
  'repeated-turns': 'two exchanges (four consecutive turns) are said again later, word for word',
  truncated: 'the conversation stops after 35–70 % of its turns, in the middle of a sentence',
  'swapped-personas': "the conversation gets another row's two personas",
  'exchanged-personas': "User 1 gets User 2's persona and User 2 gets User 1's",
  'self-contradiction': 'a speaker states the opposite of one of their own persona sentences',
  shuffled: "each speaker's utterances are shuffled among that speaker's places (speakers still alternate)",
};

/**
 * Share of planted conversations the offline experts must catch, by kind (absent: no target;
 * shuffled utterances need a model that reads coherence).
 */
export const CATCH_TARGETS: Readonly<Partial<Record<DefectKind, number>>> = {
  'verbatim-copy': 0.95,
  abuse: 0.95,
  'repeated-turns': 0.95,
  truncated: 0.95,
  'swapped-personas': 0.8,
  'exchanged-personas': 0.8,
  'self-contradiction': 0.5,
};

/** Most untouched conversations the offline experts may reject for reasons other than placeholders. */
export const MAX_UNTOUCHED_REJECTION = 0.1;

export function isDefectKind(value: string): value is DefectKind {
  return (DEFECT_KINDS as readonly string[]).includes(value);
}
