import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage } from '../language-model';

/**
 * Anthropic takes the system prompt as its own parameter and wants user and assistant turns to
 * alternate. System messages (wherever they are) become the system prompt; consecutive turns of
 * one role are joined.
 */
export function convertToAnthropicMessages(messages: readonly ChatMessage[]): {
  system: string | undefined;
  messages: MessageParam[];
} {
  const system: string[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  for (const message of messages) {
    if (message.role === 'system') {
      system.push(message.content);
      continue;
    }
    const last = turns[turns.length - 1];
    if (last && last.role === message.role) last.content = `${last.content}\n\n${message.content}`;
    else turns.push({ role: message.role, content: message.content });
  }
  return {
    system: system.length > 0 ? system.join('\n\n') : undefined,
    messages: turns.map((turn) => ({ role: turn.role, content: turn.content })),
  };
}
