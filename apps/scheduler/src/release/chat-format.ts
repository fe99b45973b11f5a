import { type Conversation, type Speaker, speakerLabel } from '@parley/core';

/** A chat message as fine-tuning APIs take it. */
export interface ReleaseChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * A conversation as a role-play chat for supervised fine-tuning: the system message gives the
 * assistant's persona (`assistant` speaker's sentences), the other speaker's turns are `user`
 * messages and the assistant speaker's turns `assistant` messages. A seed line without a
 * speaker (Parley never releases one it generated) is a `user` message.
 */
export function toChatMessages(
  conversation: Conversation,
  assistant: Speaker = 'user2',
): ReleaseChatMessage[] {
  const persona = assistant === 'user1' ? conversation.user1Persona : conversation.user2Persona;
  const system = [
    'You are a person chatting with someone you have just met. Stay consistent with your persona:',
    ...persona.map((sentence) => `- ${sentence}`),
  ].join('\n');
  return [
    { role: 'system', content: system },
    ...conversation.turns.map(
      (turn): ReleaseChatMessage => ({
        role: turn.speaker === assistant ? 'assistant' : 'user',
        content: turn.text,
      }),
    ),
  ];
}

/** The Generator's task as a prompt: write a conversation for two profiles (what DPO pairs rank). */
export function generationPrompt(
  conversation: Pick<Conversation, 'user1Persona' | 'user2Persona'>,
): ReleaseChatMessage[] {
  const profile = (label: string, persona: readonly string[]) =>
    [`${label} Profile:`, ...persona.map((sentence) => `- ${sentence}`)].join('\n');
  return [
    {
      role: 'system',
      content:
        'You write natural, engaging conversations between two people, each described by a profile of persona facts.',
    },
    {
      role: 'user',
      content: `${profile('User 1', conversation.user1Persona)}\n${profile('User 2', conversation.user2Persona)}\nWrite their conversation.`,
    },
  ];
}

/** A conversation as the Generator writes it: one `User 1: ...` line a turn. */
export function conversationText(conversation: Pick<Conversation, 'turns'>): string {
  return conversation.turns
    .map((turn) => (turn.speaker ? `${speakerLabel(turn.speaker)}: ${turn.text}` : turn.text))
    .join('\n');
}
