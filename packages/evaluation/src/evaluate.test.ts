import type { ObjectRequest, TextRequest } from '@parley/llm';
import { MockLanguageModel } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { CHEF, conversations, STUDENT, TEACHER, VIOLINIST } from './test-fixtures';

/** The two conversations of a Turing prompt, as shown (A, B). */
function shown(request: TextRequest | ObjectRequest<unknown>): { a: string; b: string } {
  const text = request.messages.at(-1)!.content;
  const [a, b] = text.split('\n\nConversation B:\n');
  return { a: a!, b: b! };
}

/** The numbered statements of a faithfulness prompt. */
function statements(request: TextRequest | ObjectRequest<unknown>): string[] {
  const text = request.messages.at(-1)!.content;
  return [...text.matchAll(/^(\d+)\. (.*)$/gm)].map((match) => match[2]!);
}

/** A judge for both tests: `turing` decides the pick, `faithfulness` the selected statements. */
function scriptedJudge(options: {
  turing?: (a: string, b: string) => unknown;
  faithfulness?: (statements: string[]) => number[];
}) {
  return new MockLanguageModel({
    modelId: 'mock:judge',
    answers: (request: TextRequest | ObjectRequest<unknown>) => {
      const schemaName = (request as ObjectRequest<unknown>).schemaName;
      if (schemaName === 'ai_detection_verdict') {
        const { a, b } = shown(request);
        return options.turing?.(a, b) ?? { reasoning: 'no idea', writtenByPeople: 'A' };
      }
      const listed = statements(request);
      return { reasoning: 'checked', selected: options.faithfulness?.(listed) ?? [] };
    },
  });
}

const synthetic = conversations('synthetic', 6, 'machine');
const seed = conversations('seed', 4, 'human');

async function turingOf(
  turing: (a: string, b: string) => unknown,
  groups = [{ iteration: 1, conversations: synthetic }],
) {
  const judge = scriptedJudge({ turing });
  const { report } = await evaluate({
    groups,
    reference: seed,
    judge,
    target: 'release',
    targetKind: 'release',
    tests: { faithfulness: false },
  });
  return { report, judge };
}

describe('evaluate: the AI-detection (Turing) test', () => {
  const picksSeed = (a: string) => ({ reasoning: 'r', writtenByPeople: a.includes('human') ? 'A' : 'B' });
  const picksSynthetic = (a: string) => ({
    reasoning: 'r',
    writtenByPeople: a.includes('machine') ? 'A' : 'B',
  });

  it('gives a 100% losing rate with a judge that always takes the seed for human', async () => {
    const { report, judge } = await turingOf(picksSeed);
    expect(report.iterations[0]!.turing).toMatchObject({
      pairs: 6,
      lose: 6,
      win: 0,
      tie: 0,
      unparseable: 0,
      losingRate: 1,
      winningRate: 0,
      tieRate: 0,
    });
    expect(report.iterations[0]!.losingRate).toBe(1);
    // Both orders of every pair.
    expect(judge.calls).toHaveLength(12);
    expect(report.usage.calls).toBe(12);
  });

  it('gives a 100% winning rate with a judge that always takes the synthetic one', async () => {
    const { report } = await turingOf(picksSynthetic);
    expect(report.iterations[0]!.turing).toMatchObject({ lose: 0, win: 6, tie: 0, winningRate: 1 });
  });

  it('gives only ties with a judge led by position (always conversation A)', async () => {
    const { report } = await turingOf(() => ({ reasoning: 'r', writtenByPeople: 'A' }));
    expect(report.iterations[0]!.turing).toMatchObject({ pairs: 6, lose: 0, win: 0, tie: 6, tieRate: 1 });
    const second = await turingOf(() => ({ reasoning: 'r', writtenByPeople: 'B' }));
    expect(second.report.iterations[0]!.turing).toMatchObject({ tie: 6, tieRate: 1 });
  });

  it('counts garbage answers instead of failing, and leaves them out of the rates', async () => {
    const { report } = await turingOf((a, b) =>
      `${a}${b}`.includes('machine speaking, number 2.') ? { verdict: 'who knows' } : picksSeed(a),
    );
    expect(report.iterations[0]!.turing).toMatchObject({ pairs: 5, lose: 5, unparseable: 1, losingRate: 1 });
  });

  it('compares with a reference of the same profile pair when there is one', async () => {
    const judge = scriptedJudge({ turing: picksSeed });
    const { report, turing } = await evaluate({
      groups: [{ iteration: 1, conversations: synthetic }],
      reference: seed,
      judge,
      target: 't',
      targetKind: 'release',
      tests: { faithfulness: false },
    });
    expect(report.iterations[0]!.turing!.sameProfilePairs).toBe(6);
    for (const pair of turing) {
      const index = Number(pair.conversationId.split('-')[1]);
      const referenceIndex = Number(pair.referenceId.split('-')[1]);
      // Fixtures alternate two persona pairs: same parity, same pair.
      expect(referenceIndex % 2).toBe(index % 2);
    }
  });

  it('reports each iteration and the overall rates from the summed counts', async () => {
    const first = conversations('one', 3, 'machine iteration-one');
    const second = conversations('two', 1, 'machine iteration-two');
    const { report } = await turingOf(
      (a, b) => (`${a}${b}`.includes('iteration-one') ? picksSeed(a) : picksSynthetic(a)),
      [
        { iteration: 1, conversations: first },
        { iteration: 2, conversations: second },
      ],
    );
    expect(report.iterations.map((iteration) => iteration.losingRate)).toEqual([1, 0]);
    expect(report.overall).toMatchObject({ iterations: [1, 2], conversations: 4, losingRate: 0.75 });
    expect(report.overall.turing).toMatchObject({ pairs: 4, lose: 3, win: 1, winningRate: 0.25 });
  });

  it('uses the target itself as the reference when there is none, never a conversation with itself', async () => {
    const judge = scriptedJudge({});
    const { turing, report } = await evaluate({
      groups: [{ iteration: 1, conversations: seed }],
      judge,
      target: 'seed.csv',
      targetKind: 'seed-file',
      tests: { faithfulness: false },
    });
    expect(turing).toHaveLength(4);
    for (const pair of turing) expect(pair.referenceId).not.toBe(pair.conversationId);
    expect(report.reference).toBe('seed.csv');
    expect(report.overall.offline.seedCopyRate).toBeNull();
  });
});

describe('evaluate: the persona faithfulness test', () => {
  async function faithfulnessOf(select: (listed: string[]) => number[]) {
    const { report, faithfulness } = await evaluate({
      groups: [{ iteration: 1, conversations: synthetic }],
      reference: seed,
      judge: scriptedJudge({ faithfulness: select }),
      target: 't',
      targetKind: 'release',
      tests: { turing: false },
    });
    return { summary: report.iterations[0]!.faithfulness!, faithfulness };
  }

  // Real attributes of the asked speaker: the oracle must know the speaker, so it reads the statement kinds.
  it('scores a perfect judge 1/1 and catches no distractor', async () => {
    const { report } = await evaluate({
      groups: [{ iteration: 1, conversations: synthetic }],
      reference: seed,
      judge: new MockLanguageModel({
        answers: (request: TextRequest | ObjectRequest<unknown>) => {
          const text = request.messages.at(-1)!.content;
          const speaker = /Statements about (User \d)/.exec(text)![1];
          const persona = (index: number) => {
            const pair = index % 2 === 0 ? [CHEF, VIOLINIST] : [TEACHER, STUDENT];
            return speaker === 'User 1' ? pair[0]! : pair[1]!;
          };
          const index = Number(/number (\d+)\./.exec(text)![1]);
          const selected = statements(request)
            .map((statement, position) => (persona(index).includes(statement) ? position + 1 : 0))
            .filter(Boolean);
          return { reasoning: 'oracle', selected };
        },
      }),
      target: 't',
      targetKind: 'release',
      tests: { turing: false },
    });
    const summary = report.iterations[0]!.faithfulness!;
    // 6 conversations × 2 speakers; CHEF has 5 attributes (4 shown), the others 3 or 4.
    expect(summary).toMatchObject({ items: 12, precision: 1, recall: 1, f1: 1, unparseable: 0 });
    expect(summary.realShown).toBe(3 * 4 + 3 * 4 + 3 * 3 + 3 * 3);
    for (const kind of ['negation', 'other-profile', 'contradiction', 'partner'] as const) {
      expect(summary.distractors[kind]).toMatchObject({ shown: 12, picked: 0, pickRate: 0 });
    }
  });

  it('computes precision and recall of a judge that selects everything, and of one that selects nothing', async () => {
    const all = await faithfulnessOf((listed) => listed.map((_, index) => index + 1));
    expect(all.summary.recall).toBe(1);
    expect(all.summary.precision).toBeCloseTo(all.summary.realShown / (all.summary.realShown + 48), 10);
    expect(all.summary.distractors.negation.pickRate).toBe(1);
    const none = await faithfulnessOf(() => []);
    expect(none.summary).toMatchObject({ selected: 0, precision: null, recall: 0 });
  });

  it('counts an answer that names a statement not shown as unparseable', async () => {
    const { summary, faithfulness } = await faithfulnessOf((listed) => (listed.length === 8 ? [8] : [7]));
    // The 3-attribute personas get 7 statements: [7] is fine there; nobody gets a 9th.
    expect(summary.unparseable).toBe(0);
    const broken = await faithfulnessOf(() => [9]);
    expect(broken.summary).toMatchObject({ items: 0, unparseable: 12 });
    expect(broken.faithfulness[0]!.selected).toBeNull();
    expect(faithfulness.every((outcome) => outcome.selected !== null)).toBe(true);
  });
});

describe('evaluate: running', () => {
  it('runs only the offline metrics without a judge', async () => {
    const { report } = await evaluate({
      groups: [{ iteration: 1, conversations: synthetic }],
      target: 't',
      targetKind: 'seed-file',
    });
    expect(report).toMatchObject({ judge: null, reference: null, usage: { calls: 0 } });
    expect(report.iterations[0]).toMatchObject({ turing: null, faithfulness: null, losingRate: null });
    expect(report.iterations[0]!.offline.conversations).toBe(6);
  });

  it('skips (and counts) a conversation with nothing said instead of asking the judge about it', async () => {
    const silent = { ...synthetic[0]!, id: 'silent', turns: [] };
    const judge = scriptedJudge({});
    const { report } = await evaluate({
      groups: [{ iteration: 1, conversations: [silent, synthetic[1]!] }],
      reference: seed,
      judge,
      target: 't',
      targetKind: 'release',
    });
    expect(report.iterations[0]!.turing).toMatchObject({ pairs: 1, skipped: 1 });
    expect(report.iterations[0]!.faithfulness).toMatchObject({ items: 2, skipped: 2 });
    expect(judge.calls).toHaveLength(4);
  });

  it('keeps at most `concurrency` judge calls in flight and reports progress', async () => {
    let inFlight = 0;
    let most = 0;
    const judge = new MockLanguageModel({ answers: { reasoning: 'r', writtenByPeople: 'A' } });
    const slow = {
      provider: 'mock',
      modelId: 'slow',
      generateText: judge.generateText.bind(judge),
      async generateObject<T>(request: ObjectRequest<T>) {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return judge.generateObject(request);
      },
    };
    const progress: number[] = [];
    await evaluate({
      groups: [{ iteration: 1, conversations: synthetic }],
      reference: seed,
      judge: slow,
      concurrency: 3,
      target: 't',
      targetKind: 'release',
      tests: { faithfulness: false },
      onProgress: ({ done }) => progress.push(done),
    });
    expect(most).toBe(3);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('stops on a call that fails (not a garbage answer) instead of recording a false verdict', async () => {
    const judge = new MockLanguageModel({
      answers: () => {
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      },
    });
    await expect(
      evaluate({
        groups: [{ iteration: 1, conversations: synthetic }],
        reference: seed,
        judge,
        target: 't',
        targetKind: 'release',
      }),
    ).rejects.toThrow('connection refused');
  });
});
