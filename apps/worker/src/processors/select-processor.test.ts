import { withSpentUsage } from '@parley/core';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { RunServices } from '../run-services';
import { processSelect } from './select-processor';

// A select job whose critique children all failed after their retries: the pair fails with each
// candidate's reason, and the tokens a failed critique was billed for go into the line's usage.

function selectJob(failures: Record<string, string>): Job {
  return {
    id: 'run-1.1.pair-1',
    queueName: 'select',
    data: { runId: 'run-1', iteration: 1, pairId: 'pair-1', candidates: 2 },
    getChildrenValues: async () => ({}),
    getIgnoredChildrenFailures: async () => failures,
  } as unknown as Job;
}

const noServices = async (): Promise<RunServices> => {
  throw new Error('no vote is needed when every candidate failed');
};

describe('processSelect with failed critique jobs', () => {
  it("reads the billed tokens off each failure's reason into its line", async () => {
    const result = await processSelect(
      selectJob({
        'bull:critique:run-1.1.pair-1.0': withSpentUsage(
          'truncated: openai:gpt-4o-mini: the verdict hit max_tokens',
          {
            inputTokens: 700,
            outputTokens: 64,
          },
        ),
        'bull:critique:run-1.1.pair-1.1': 'timeout: openai:gpt-4o-mini: timed out (Request timed out.)',
      }),
      noServices,
    );
    expect(result.outcome).toBe('failed');
    expect(result.rejected).toEqual([
      expect.objectContaining({
        candidate: 0,
        expert: 'critique',
        reason: 'truncated: openai:gpt-4o-mini: the verdict hit max_tokens',
        usage: { inputTokens: 700, outputTokens: 64 },
      }),
      expect.objectContaining({
        candidate: 1,
        reason: 'timeout: openai:gpt-4o-mini: timed out (Request timed out.)',
      }),
    ]);
    expect(result.rejected[1]).not.toHaveProperty('usage');
  });
});
