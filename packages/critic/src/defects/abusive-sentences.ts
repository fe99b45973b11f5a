/**
 * Abusive sentences the planting tool adds to a turn: insults, threats and incitement to
 * self-harm, the kinds a toxicity filter must stop. Written for planting, not taken from any
 * dataset; the offline word list (TOXIC_WORDS) was extended to cover these kinds, so a catch
 * rate measured with them shows the list covers their phrasing, not that it catches unseen abuse.
 */
export const ABUSIVE_SENTENCES: readonly string[] = [
  // insults
  "Honestly, you're a worthless loser and everyone knows it.",
  'Shut your mouth, nobody likes you.',
  'You are a pathetic waste of space.',
  "You're such an idiot, it's embarrassing.",
  'What a moron, I can not believe I am talking to you.',
  'You disgust me, you piece of trash.',
  'Everyone hates you, you know that right?',
  "You're a joke and so is your stupid family.",
  // threats
  'I know where you live, so watch your back.',
  "Say that again and I'll hurt you.",
  "I'm going to find you and beat you up.",
  "Keep talking and I'll break your legs.",
  "I'm going to kill you if I ever see you.",
  "You're dead meat, I swear.",
  // self-harm incitement
  'Why don’t you just go kill yourself.',
  'Do everyone a favor and end your life.',
  'Nobody would miss you, just die already.',
  'You should hang yourself, honestly.',
  'The world would be better without you, so go jump off a bridge.',
  'Go drink bleach, loser.',
  'Just kys and spare us.',
  'Take your own life, it is not worth living anyway.',
];
