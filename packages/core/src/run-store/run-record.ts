import { z } from 'zod';

export const runStatusSchema = z.enum([
  'pending',
  'running',
  'releasing',
  'completed',
  'failed',
  'cancelled',
]);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Where a run stands; one Redis hash per run. */
export const runRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: runStatusSchema,
  /** Current phase inside `running`: personas, iteration, release. */
  phase: z.string(),
  /** Iteration being worked on (0 before the first). */
  iteration: z.coerce.number().int().nonnegative(),
  iterations: z.coerce.number().int().positive(),
  /** Absolute path of the run folder on the scheduler's disk. */
  runFolder: z.string(),
  /** Base URL of the simulator serving `provider: simulator` models, when one is in use. */
  simulatorUrl: z.string().optional(),
  createdAt: z.coerce.number(),
  updatedAt: z.coerce.number(),
  finishedAt: z.coerce.number().optional(),
  error: z.string().optional(),
  cancelRequested: z
    .union([z.literal('1'), z.literal('0'), z.boolean()])
    .transform((value) => value === true || value === '1')
    .optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Counters of one iteration; one Redis hash per run and iteration. */
export interface IterationCounters {
  iteration: number;
  planned: number;
  enqueued: number;
  accepted: number;
  rejected: number;
  failed: number;
  startedAt?: number;
  finishedAt?: number;
  /** Expert name → its filter verdicts (see ExpertCounts). */
  experts: Record<string, ExpertCounts>;
  /** Failure category (classifyFailure) → failed pairs and candidates of the iteration. */
  failures: Record<string, number>;
}

/**
 * One filter expert's verdicts. `passed` of `total` are real verdicts; `unparseable` counts the
 * answers that could not be read as a verdict, kept apart (they are not in `total`).
 */
export interface ExpertCounts {
  passed: number;
  total: number;
  unparseable: number;
}
