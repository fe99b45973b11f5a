import { describe, expect, it } from 'vitest';
import { derangement, swapPersonas } from './swap-personas';
import { groundedConversation } from './test-fixtures';

describe('derangement', () => {
  it('moves every index, is a permutation and is reproducible from its seed', () => {
    for (const count of [2, 3, 10, 101]) {
      const permutation = derangement(count, 7);
      expect([...permutation].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(permutation.every((value, index) => value !== index)).toBe(true);
      expect(derangement(count, 7)).toEqual(permutation);
    }
    expect(derangement(50, 1)).not.toEqual(derangement(50, 2));
  });
});

describe('swapPersonas', () => {
  it("gives each conversation another row's personas and keeps its turns", () => {
    const conversations = ['a', 'b', 'c'].map((id) => ({
      ...groundedConversation(id),
      user1Persona: [`${id} one`],
      user2Persona: [`${id} two`],
    }));
    const swapped = swapPersonas(conversations, 3);
    swapped.forEach((conversation, index) => {
      expect(conversation.id).toBe(conversations[index]!.id);
      expect(conversation.turns).toBe(conversations[index]!.turns);
      expect(conversation.user1Persona[0]!.startsWith(conversation.id)).toBe(false);
      expect(conversation.user2Persona[0]!.slice(0, 1)).toBe(conversation.user1Persona[0]!.slice(0, 1));
    });
  });
});
