import {
  ConfigError,
  type Conversation,
  expertVerdictSchema,
  type FedPolicy,
  fedPolicySchema,
  ParleyError,
} from '@parley/core';
import { MockLanguageModel, type ObjectRequest, type TextRequest } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { CriticPanel, type CriticPanelOptions } from './critic-panel';
import { createFaithfulnessExpert } from './faithfulness-expert';
import { createFedPolicyExpert } from './fed-policy-expert';
import { createGroundingExpert } from './grounding-expert';
import { createNearDuplicateExpert } from './near-duplicate-expert';
import { createRubricExpert } from './rubric-expert';
import { createStructureExpert } from './structure-expert';
import { groundedConversation } from './test-fixtures';
import { createToxicityLlmExpert } from './toxicity-llm-expert';

const POLICIES = fedPolicySchema.options;
const MARKERS = ['ALPHA', 'BETA', 'GAMMA', 'DELTA'];
const FAITHFUL = { reasoning: 'consistent', contradictions: [], faithful: true };
const CLEAN = { reasoning: 'friendly', categories: [], toxic: false };

/** Candidates of one pair, told apart by a marker in their first turn. */
function candidates(count: number): Conversation[] {
  return MARKERS.slice(0, count).map((marker, index) => groundedConversation(`pair-1.${index}`, marker));
}

type Request = TextRequest | ObjectRequest<unknown>;

/** The trailing user messages (the pairwise vote sends its conversations and its question apart). */
function lastPrompt(request: Request): string {
  const trailing: string[] = [];
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index]!;
    if (message.role !== 'user') break;
    trailing.unshift(message.content);
  }
  return trailing.join('\n\n');
}

/** The markers of the conversations a pairwise prompt shows, in the order shown. */
function shownOrder(request: Request): string[] {
  const prompt = lastPrompt(request);
  return MARKERS.filter((marker) => prompt.includes(marker)).sort(
    (a, b) => prompt.indexOf(a) - prompt.indexOf(b),
  );
}

function policyOf(request: Request): FedPolicy {
  return request.stage?.replace('select:', '') as FedPolicy;
}

/** A judge that prefers, per policy, the marker ranked higher in `ranking` (ranking[0] best). */
function consistentJudge(rankingOf: (policy: FedPolicy) => string[]) {
  return new MockLanguageModel({
    modelId: 'mock:judge',
    answers: (request: Request) => {
      const [first, second] = shownOrder(request);
      const ranking = rankingOf(policyOf(request));
      const better = ranking.indexOf(first!) < ranking.indexOf(second!) ? '1' : '2';
      return { reasoning: `${better === '1' ? first : second} is better`, preferred: better };
    },
  });
}

function pairwisePanel(
  model: MockLanguageModel,
  options: Partial<CriticPanelOptions> = {},
  policies: readonly FedPolicy[] = POLICIES,
): CriticPanel {
  return new CriticPanel({
    filters: [],
    ranking: {
      mode: 'pairwise',
      experts: policies.map((policy) => createFedPolicyExpert({ policy, model: 'judge' })),
    },
    models: { judge: model },
    ...options,
  });
}

describe('CriticPanel.filter', () => {
  function filterPanel(model: MockLanguageModel, options: Partial<CriticPanelOptions> = {}) {
    return new CriticPanel({
      // Deliberately listed LLM-first: the panel moves the offline experts ahead.
      filters: [
        createFaithfulnessExpert({ model: 'judge' }),
        createToxicityLlmExpert({ model: 'judge' }),
        createStructureExpert(),
        createGroundingExpert(),
      ],
      ranking: { mode: 'pairwise', experts: [createFedPolicyExpert({ policy: 'depth', model: 'judge' })] },
      models: { judge: model },
      ...options,
    });
  }

  it('stops at a failing cheap filter without calling any model', async () => {
    const model = new MockLanguageModel({ answers: FAITHFUL });
    const broken = groundedConversation('broken');
    broken.turns[0] = { speaker: 'user1', text: "Hi, I'm [User 1's name]." };
    const review = await filterPanel(model).filter(broken);
    expect(model.calls).toHaveLength(0);
    expect(review.passed).toBe(false);
    expect(review.verdicts.map((verdict) => verdict.expert)).toEqual(['structure']);
    expect(review.rejectedBy).toEqual({
      expert: 'structure',
      reason: "line 1 has an unfilled placeholder [User 1's name]",
    });
    expect(review.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('runs offline experts first, then the LLM experts, and keeps every verdict with its usage', async () => {
    const model = new MockLanguageModel({
      answers: (request: Request) => (request.stage === 'critique:faithfulness' ? FAITHFUL : CLEAN),
    });
    const review = await filterPanel(model).filter(groundedConversation('good'), { runId: 'run-7' });
    expect(review.passed).toBe(true);
    expect(review.rejectedBy).toBeUndefined();
    expect(review.verdicts.map((verdict) => verdict.expert)).toEqual([
      'structure',
      'grounding',
      'faithfulness',
      'toxicity',
    ]);
    expect(review.verdicts[2]).toEqual({
      expert: 'faithfulness',
      kind: 'filter',
      passed: true,
      rationale: 'consistent',
      model: 'mock:scripted',
      usage: { inputTokens: 10, outputTokens: 5 },
    });
    expect(model.calls.map((call) => [call.stage, call.runId])).toEqual([
      ['critique:faithfulness', 'run-7'],
      ['critique:toxicity', 'run-7'],
    ]);
    expect(review.usage).toEqual({ inputTokens: 20, outputTokens: 10 });
    for (const verdict of review.verdicts) expect(expertVerdictSchema.parse(verdict)).toEqual(verdict);
  });

  it('records an LLM rejection and skips the experts after it', async () => {
    const model = new MockLanguageModel({
      answers: {
        reasoning: 'User 1 eats steak',
        contradictions: [{ speaker: 'User 1', attribute: 'I am vegan.', evidence: 'User 1: steak!' }],
        faithful: false,
      },
    });
    const review = await filterPanel(model).filter(groundedConversation('unfaithful'));
    expect(model.calls).toHaveLength(1);
    expect(review.rejectedBy).toEqual({
      expert: 'faithfulness',
      reason: 'User 1 contradicts "I am vegan." (User 1: steak!)',
    });
  });

  it('rejects on a garbage verdict by default, keeping the raw output, and can let it pass', async () => {
    const garbage = () => new MockLanguageModel({ answers: 'Sure! The conversation looks fine to me.' });
    const review = await filterPanel(garbage()).filter(groundedConversation('g'));
    expect(review.passed).toBe(false);
    expect(review.rejectedBy?.expert).toBe('faithfulness');
    expect(review.rejectedBy?.reason).toMatch(/^unparseable verdict \(schema mismatch/);
    expect(review.verdicts.at(-1)).toMatchObject({
      passed: false,
      model: 'mock:scripted',
      unparseable: true,
    });
    expect(review.verdicts.at(-1)?.rawOutput).toBeTruthy();
    // Real verdicts never carry the mark, so counters can tell the two apart.
    expect(review.verdicts.slice(0, -1).every((verdict) => verdict.unparseable === undefined)).toBe(true);

    const lenient = await filterPanel(garbage(), { unparseableFilter: 'pass' }).filter(
      groundedConversation('g'),
    );
    expect(lenient.passed).toBe(true);
    expect(lenient.verdicts.filter((verdict) => verdict.rawOutput !== undefined)).toHaveLength(2);
    expect(lenient.verdicts.filter((verdict) => verdict.unparseable)).toHaveLength(2);
  });

  it('lets transport errors and aborts through for the job to retry', async () => {
    const down = new MockLanguageModel({
      answers: () => {
        throw new ParleyError('HTTP 503', { code: 'LLM_SERVER_ERROR', isRetryable: true });
      },
    });
    await expect(filterPanel(down).filter(groundedConversation('x'))).rejects.toThrow('HTTP 503');
    const controller = new AbortController();
    controller.abort();
    const model = new MockLanguageModel({ answers: FAITHFUL });
    await expect(
      filterPanel(model).filter(groundedConversation('x'), { signal: controller.signal }),
    ).rejects.toThrow();
    expect(model.calls).toHaveLength(0);
  });

  it('refuses an invalid candidate with its id, and a model binding that does not exist', async () => {
    const model = new MockLanguageModel({ answers: FAITHFUL });
    await expect(
      filterPanel(model).filter({ id: 'bad', turns: [] } as unknown as Conversation),
    ).rejects.toThrow(/^candidate bad: /);
    expect(() => filterPanel(model, { models: { other: model } })).toThrow(ConfigError);
  });

  it('teaches accepted conversations to the near-duplicate expert', async () => {
    const panel = new CriticPanel({
      filters: [createNearDuplicateExpert()],
      ranking: { mode: 'pairwise', experts: [createFedPolicyExpert({ policy: 'depth', model: 'judge' })] },
      models: { judge: new MockLanguageModel({ answers: {} }) },
    });
    const original = groundedConversation('first', 'SAME');
    expect((await panel.filter(original)).passed).toBe(true);
    await panel.accept(original);
    const copy = groundedConversation('second', 'SAME');
    expect((await panel.filter(copy)).rejectedBy?.expert).toBe('near-duplicate');
  });
});

describe('CriticPanel.select (pairwise)', () => {
  it('compares every pair in both orders and picks the candidate the policies prefer', async () => {
    const model = consistentJudge(() => ['BETA', 'ALPHA', 'GAMMA']);
    const selection = await pairwisePanel(model).select(candidates(3), { runId: 'r' });
    // 5 policies × 3 pairs × 2 orders.
    expect(model.calls).toHaveLength(30);
    expect(selection.winnerIndex).toBe(1);
    expect(selection.judgeScores).toEqual([0.5, 1, 0]);
    expect(selection.finalists).toEqual([0, 1, 2]);
    expect(selection.usage).toEqual({ inputTokens: 300, outputTokens: 150 });
    const winner = selection.verdicts[1]!;
    expect(winner.map((verdict) => verdict.expert)).toEqual([...POLICIES, 'judge']);
    expect(winner[0]).toMatchObject({ expert: 'depth', kind: 'ranker', wins: 2, comparisons: 2, score: 1 });
    expect(winner[0]?.rationale).toContain('vs pair-1.0: won (both orders agree: BETA is better)');
    expect(winner.at(-1)).toMatchObject({ expert: 'judge', score: 1, wins: 5, comparisons: 5 });
    expect(winner.at(-1)?.rationale).toMatch(/^selected \(majority of policies\): won 5 of 5 policies/);
    expect(selection.verdicts[2]?.at(-1)?.rationale).toMatch(/^not selected: won 0 of 5 policies/);
    // Every verdict is a valid ExpertVerdict, ready for conversations.jsonl.
    for (const verdict of selection.verdicts.flat())
      expect(expertVerdictSchema.parse(verdict)).toEqual(verdict);
  });

  it('follows the majority of policies, not the sum of wins', async () => {
    const model = consistentJudge((policy) =>
      ['depth', 'coherency', 'consistency'].includes(policy) ? ['ALPHA', 'BETA'] : ['BETA', 'ALPHA'],
    );
    const selection = await pairwisePanel(model).select(candidates(2));
    expect(selection.winnerIndex).toBe(0);
    expect(selection.judgeScores).toEqual([0.6, 0.4]);
    expect(selection.verdicts[0]?.at(-1)?.rationale).toContain(
      'won 3 of 5 policies (depth, coherency, consistency)',
    );
  });

  it('turns a position-biased judge into ties, then breaks them deterministically', async () => {
    const alwaysFirst = new MockLanguageModel({ answers: { reasoning: 'the first one', preferred: '1' } });
    const selection = await pairwisePanel(alwaysFirst).select(candidates(3));
    expect(selection.judgeScores).toEqual([0.5, 0.5, 0.5]);
    // Equal votes, scores and grounding: the lowest index wins.
    expect(selection.winnerIndex).toBe(0);
    expect(selection.rationale).toContain('tie-break on index');
    expect(selection.verdicts[2]?.[0]).toMatchObject({ wins: 1, comparisons: 2, score: 0.5 });
    expect(selection.verdicts[2]?.[0]?.rationale).toContain('tie (preference flipped with the order)');
  });

  it('breaks a tie by grounding before the index', async () => {
    const alwaysFirst = new MockLanguageModel({ answers: { reasoning: 'the first one', preferred: '1' } });
    const [a, b] = candidates(2);
    // Candidate 0 never mentions User 2's persona: less grounded.
    const weaker = {
      ...a!,
      turns: a!.turns.map((turn) => (turn.speaker === 'user2' ? { ...turn, text: 'Ok.' } : turn)),
    };
    const selection = await pairwisePanel(alwaysFirst).select([weaker, b!]);
    expect(selection.winnerIndex).toBe(1);
    expect(selection.rationale).toContain('tie-break on grounding');
  });

  it('asks one deterministic order per pair when bothOrders is false', async () => {
    const run = async () => {
      const alwaysFirst = new MockLanguageModel({ answers: { reasoning: 'first', preferred: '1' } });
      const selection = await pairwisePanel(alwaysFirst, { bothOrders: false }).select(candidates(3));
      return { calls: alwaysFirst.calls.map(shownOrder), selection };
    };
    const first = await run();
    const second = await run();
    expect(first.calls).toHaveLength(15);
    expect(second).toEqual(first);
    // A single order has no flip to detect: the biased judge's choices count as wins.
    expect(first.selection.judgeScores.reduce((sum, score) => sum + score, 0)).toBeCloseTo(1.5);
    expect(new Set(first.calls.map((order) => order.join('>'))).size).toBeGreaterThan(1);
  });

  it('ignores the votes of a policy whose model answers garbage, without crashing', async () => {
    const model = new MockLanguageModel({
      answers: (request: Request) => {
        if (policyOf(request) === 'depth') return 'BETA, obviously';
        const [first] = shownOrder(request);
        return { reasoning: 'ALPHA flows better', preferred: first === 'ALPHA' ? '1' : '2' };
      },
    });
    const selection = await pairwisePanel(model).select(candidates(2));
    expect(selection.winnerIndex).toBe(0);
    const depth = selection.verdicts[0]![0]!;
    expect(depth).toMatchObject({ expert: 'depth', wins: 0, comparisons: 0, unparseable: true });
    expect(depth.score).toBeUndefined();
    expect(depth.rationale).toMatch(/no vote \(unparseable verdict: schema mismatch/);
    expect(depth.rawOutput).toBeTruthy();
    expect(selection.verdicts[0]?.at(-1)?.rationale).toContain('won 4 of 5 policies');
    expect(selection.judgeScores).toEqual([1, 0]);
  });

  it('still picks a winner when every answer is garbage', async () => {
    const garbage = new MockLanguageModel({ answers: 'no idea' });
    const selection = await pairwisePanel(garbage).select(candidates(2));
    expect(selection.winnerIndex).toBe(0);
    expect(selection.judgeScores).toEqual([0.5, 0.5]);
  });

  it('sends at most maxFinalists survivors to the vote, the best grounded', async () => {
    const model = consistentJudge(() => ['GAMMA', 'ALPHA', 'BETA']);
    const [a, b, c] = candidates(3);
    const ungrounded = {
      ...b!,
      user1Persona: ['I collect antique stamps.'],
      user2Persona: ['I fly gliders.'],
    };
    const selection = await pairwisePanel(model, { maxFinalists: 2 }).select([a!, ungrounded, c!]);
    expect(selection.finalists).toEqual([0, 2]);
    expect(model.calls).toHaveLength(10);
    expect(selection.winnerIndex).toBe(2);
    expect(selection.judgeScores).toEqual([0, 0, 1]);
    expect(selection.verdicts[1]).toEqual([
      expect.objectContaining({
        expert: 'judge',
        score: 0,
        rationale: expect.stringMatching(/^not a finalist/),
      }),
    ]);
  });

  it('needs no model for one survivor and returns no winner for none', async () => {
    const model = consistentJudge(() => MARKERS);
    const panel = pairwisePanel(model);
    const single = await panel.select(candidates(1));
    expect(single).toMatchObject({ winnerIndex: 0, judgeScores: [0.5], finalists: [0] });
    expect(single.verdicts[0]?.[0]?.rationale).toMatch(/^selected \(the only finalist\)/);
    expect(await panel.select([])).toMatchObject({ winnerIndex: null, judgeScores: [], verdicts: [] });
    expect(model.calls).toHaveLength(0);
  });

  it('fails the whole selection when a call fails for a reason other than its output', async () => {
    const model = new MockLanguageModel({
      answers: () => {
        throw new ParleyError('budget exhausted', { code: 'BUDGET_EXCEEDED' });
      },
    });
    await expect(pairwisePanel(model, { concurrency: 2 }).select(candidates(3))).rejects.toThrow(
      'budget exhausted',
    );
    expect(model.calls.length).toBeLessThanOrEqual(2);
  });
});

describe('CriticPanel.select (rubric)', () => {
  function rubricPanel(model: MockLanguageModel) {
    return new CriticPanel({
      filters: [],
      ranking: {
        mode: 'rubric',
        expert: createRubricExpert({ policies: ['depth', 'likeability'], model: 'judge' }),
      },
      models: { judge: model },
    });
  }

  it('scores every finalist in one call and picks by the policy majority', async () => {
    const model = new MockLanguageModel({
      answers: {
        conversations: [
          { conversation: 1, reasoning: 'shallow', scores: { depth: 4, likeability: 7 } },
          { conversation: 2, reasoning: 'deep and warm', scores: { depth: 9, likeability: 8 } },
          { conversation: 3, reasoning: 'ok', scores: { depth: 6, likeability: 8 } },
        ],
      },
    });
    const selection = await rubricPanel(model).select(candidates(3));
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.stage).toBe('select:rubric');
    expect(selection.winnerIndex).toBe(1);
    expect(selection.judgeScores[1]).toBeCloseTo((8 / 9 + 7 / 9) / 2);
    expect(selection.verdicts[1]?.[0]).toMatchObject({
      expert: 'rubric',
      kind: 'ranker',
      model: 'mock:scripted',
    });
    expect(selection.verdicts[1]?.[0]?.rationale).toBe('depth 0.89, likeability 0.78: deep and warm');
    expect(selection.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
  });

  it('falls back to neutral scores when the rubric answer cannot be used', async () => {
    const model = new MockLanguageModel({
      answers: { conversations: [{ conversation: 1, reasoning: 'x', scores: { depth: 5, likeability: 5 } }] },
    });
    const selection = await rubricPanel(model).select(candidates(2));
    expect(selection.judgeScores).toEqual([0.5, 0.5]);
    expect(selection.winnerIndex).toBe(0);
    expect(selection.verdicts[0]?.[0]?.rationale).toBe(
      'unparseable verdict (rubric did not grade conversation 2): no vote',
    );
    expect(selection.verdicts[0]?.[0]?.rawOutput).toContain('"conversation":1');
  });
});
