import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage } from '../language-model';

/** Marks the end of the prompt's stable prefix: Anthropic caches everything up to this block. */
const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Anthropic takes the system prompt as its own parameter and wants user and assistant turns to
 * alternate. System messages (wherever they are) become the system prompt; consecutive turns of
 * one role are joined. The last message marked `cacheBreakpoint` ends its text in a block with
 * `cache_control: ephemeral` (prompt caching); unmarked prompts keep plain strings.
 */
export function convertToAnthropicMessages(messages: readonly ChatMessage[]): {
  system: string | TextBlockParam[] | undefined;
  messages: MessageParam[];
} {
  const marked = lastMarkedIndex(messages);
  const system: Part[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; parts: Part[] }> = [];
  messages.forEach((message, index) => {
    const part = { text: message.content, breakpoint: index === marked };
    if (message.role === 'system') {
      system.push(part);
      return;
    }
    const last = turns[turns.length - 1];
    if (last && last.role === message.role) last.parts.push(part);
    else turns.push({ role: message.role, parts: [part] });
  });
  return {
    system: system.length > 0 ? contentOf(system) : undefined,
    messages: turns.map((turn) => ({ role: turn.role, content: contentOf(turn.parts) })),
  };
}

interface Part {
  text: string;
  breakpoint: boolean;
}

/** Joined text as before; with the breakpoint inside, the text before it and after it as two blocks. */
function contentOf(parts: readonly Part[]): string | TextBlockParam[] {
  const at = parts.findIndex((part) => part.breakpoint);
  const join = (some: readonly Part[]) => some.map((part) => part.text).join('\n\n');
  if (at < 0) return join(parts);
  const blocks: TextBlockParam[] = [
    { type: 'text', text: join(parts.slice(0, at + 1)), cache_control: EPHEMERAL },
  ];
  const rest = parts.slice(at + 1);
  if (rest.length > 0) blocks.push({ type: 'text', text: `\n\n${join(rest)}` });
  return blocks;
}

function lastMarkedIndex(messages: readonly ChatMessage[]): number {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index]!.cacheBreakpoint) return index;
  }
  return -1;
}
