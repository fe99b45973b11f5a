import { describe, expect, it } from 'vitest';
import {
  addFailureCounts,
  classifyFailure,
  countFailures,
  describeFailures,
  rankFailures,
} from './failure-category';

// Reasons exactly as jobs fail today: the worker's toBullmqError (`CODE: message` for a
// non-retryable ParleyError, the plain message after retries) over the LLM layer's errors
// (LlmCallError from the real OpenAI and Anthropic SDK errors, MissingApiKeyError,
// BudgetExceededError, StructuredOutputError), BullMQ's own, and the scheduler's.
const TODAY: Array<[string, string]> = [
  [
    'LLM_AUTHENTICATION: openai:gpt-4o-mini: HTTP 401: 401 Incorrect API key provided: sk-abc***',
    'provider-error (401)',
  ],
  [
    'LLM_AUTHENTICATION: anthropic:claude-3-5-haiku-latest: HTTP 401: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
    'provider-error (401 authentication_error)',
  ],
  [
    'anthropic:claude-3-5-haiku-latest: HTTP 529: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    'provider-error (529 overloaded_error)',
  ],
  [
    'openai:gpt-4o-mini: HTTP 429: 429 You exceeded your current quota, please check your plan and billing details.',
    'provider-error (429)',
  ],
  ['simulator:parley-sim-1: HTTP 503: 503 simulated server error', 'provider-error (503)'],
  ['openai:gpt-4o-mini: timed out (Request timed out.)', 'timeout'],
  ['openai:gpt-4o-mini: connection failed (Connection error.)', 'connection'],
  ['openai:gpt-4o-mini: unreadable response (Unexpected token < in JSON at position 0)', 'connection'],
  ['connect ECONNREFUSED 127.0.0.1:8787', 'connection'],
  [
    'MISSING_API_KEY: models.gpt: the API key is not set (looked in environment variable OPENAI_API_KEY); set it in the environment of every worker process, never in the job file',
    'missing-key',
  ],
  [
    'BUDGET_EXCEEDED: run demo-1: budget.maxCostUsd of 0.300000 USD would be exceeded (spent 0.290000, in flight 0.010000, this call up to 0.020000); no new LLM calls are started',
    'budget',
  ],
  [
    'LLM_STRUCTURED_OUTPUT: openai:gpt-4o-mini: no valid "conversation" object after 3 attempts (not valid JSON (Unexpected end of JSON input): "{\\"turns\\": [")',
    'unparseable',
  ],
  [
    'LLM_STRUCTURED_OUTPUT: openai:gpt-4o-mini: no valid "conversation" object after 3 attempts (does not match the schema (turns: Invalid input: expected array, received number))',
    'unparseable',
  ],
  ['VERDICT_UNPARSEABLE: the rubric scored 1 of 2 candidates', 'unparseable'],
  ['job stalled more than allowable limit', 'stalled'],
  ['settle job failed: job stalled more than allowable limit', 'stalled'],
  ['persisting failed: ENOSPC: no space left on device, write', 'other'],
  ['the select job left no result', 'other'],
  ['LLM_ABORTED: openai:gpt-4o-mini: call aborted', 'other'],
];

// The labels the LLM layer puts first (issue 13), with and without the worker's code prefix.
const LABELLED: Array<[string, string]> = [
  ['truncated: the answer hit maxOutputTokens (1024) before its JSON ended', 'truncated'],
  ['LLM_TRUNCATED: openai:gpt-4o-mini: truncated: finish_reason length', 'truncated'],
  ['refused: "I can\'t help with that."', 'refused'],
  ['content-filtered: finish_reason content_filter', 'content-filtered'],
  ['unparseable: not valid JSON (Unexpected end of JSON input)', 'unparseable'],
  [
    'provider-error (429 insufficient_quota): You exceeded your current quota',
    'provider-error (429 insufficient_quota)',
  ],
  [
    'LLM_QUOTA: openai:gpt-4o-mini: provider-error (429 insufficient_quota): You exceeded your current quota',
    'provider-error (429 insufficient_quota)',
  ],
  // A label wins over what the rest of the text looks like.
  ['truncated: HTTP 200 but "Unterminated string in JSON"', 'truncated'],
  ['provider-error (404): model not found', 'provider-error (404)'],
  // Failures with no HTTP status, as LlmCallError.reason words them.
  ['provider-error (timeout): openai:gpt-4o-mini: timed out (Request timed out.)', 'timeout'],
  ['provider-error (connection): openai:gpt-4o-mini: connection failed (terminated)', 'connection'],
  ['provider-error (aborted): openai:gpt-4o-mini: call aborted', 'provider-error (aborted)'],
  [
    'provider-error (invalid_response): openai:gpt-4o-mini: unreadable response (Unexpected end)',
    'provider-error (invalid_response)',
  ],
  [
    'budget-exceeded: run demo-1: budget.maxCostUsd of 0.300000 USD would be exceeded (spent 0.300000, in flight 0.000000, this call up to 0.010000); no new LLM calls are started',
    'budget',
  ],
];

describe('classifyFailure', () => {
  it.each(TODAY)("classifies today's reason %j", (reason, category) => {
    expect(classifyFailure(reason)).toBe(category);
  });

  it.each(LABELLED)('recognises the label of %j first', (reason, category) => {
    expect(classifyFailure(reason)).toBe(category);
  });

  it('keeps the category set small whatever a reason says', () => {
    // A vendor type that is not a plain identifier is dropped; an impossible status is no status.
    expect(classifyFailure('x: HTTP 400: 400 {"error":{"type":"Bad Thing <script>"}}')).toBe(
      'provider-error (400)',
    );
    expect(classifyFailure(`x: HTTP 400: 400 {"type":"${'a'.repeat(60)}"}`)).toBe('provider-error (400)');
    expect(classifyFailure('provider-error (999 weird): no')).toBe('other');
    // Only the start of a reason is read: a quoted body far down cannot pick the category.
    expect(classifyFailure(`${'x'.repeat(700)} HTTP 500`)).toBe('other');
    // A word inside a quoted model answer is not a label.
    expect(classifyFailure('openai:gpt: no valid "verdict" object after 1 attempt (refusedtext)')).toBe(
      'unparseable',
    );
    expect(classifyFailure('')).toBe('other');
  });
});

describe('failure counts', () => {
  it('counts, adds, ranks and describes categories', () => {
    const first = countFailures([
      'openai:gpt-4o-mini: HTTP 503: 503 simulated server error',
      'openai:gpt-4o-mini: HTTP 503: 503 simulated server error',
      'openai:gpt-4o-mini: timed out (Request timed out.)',
    ]);
    expect(first).toEqual({ 'provider-error (503)': 2, timeout: 1 });
    const total = addFailureCounts(first, { timeout: 2, budget: 1, stalled: 1, other: 0 });
    expect(total).toEqual({ 'provider-error (503)': 2, timeout: 3, budget: 1, stalled: 1, other: 0 });
    expect(rankFailures(total)).toEqual([
      ['timeout', 3],
      ['provider-error (503)', 2],
      ['budget', 1],
      ['stalled', 1],
    ]);
    expect(describeFailures(total)).toBe(
      '3 × timeout, 2 × provider-error (503), 1 × budget, 1 × other reasons',
    );
    expect(describeFailures(total, 10)).toBe(
      '3 × timeout, 2 × provider-error (503), 1 × budget, 1 × stalled',
    );
    expect(describeFailures({})).toBe('');
  });
});
