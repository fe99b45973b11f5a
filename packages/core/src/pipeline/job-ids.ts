/**
 * Deterministic job ids (`run.iteration.pair.candidate`): re-enqueueing after a crash finds the
 * existing job instead of creating a duplicate. BullMQ forbids `:` in custom ids, so run and
 * pair ids are restricted to letters, digits, `-` and `_`.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,120}$/;

export function assertIdPart(kind: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new Error(`${kind} id ${JSON.stringify(value)}: expected 1–120 letters, digits, - and _`);
  }
}

export function pairJobId(runId: string, iteration: number, pairId: string): string {
  return `${runId}.${iteration}.${pairId}`;
}

export function candidateJobId(runId: string, iteration: number, pairId: string, candidate: number): string {
  return `${runId}.${iteration}.${pairId}.${candidate}`;
}

/** Id of a generated conversation; equal to its candidate job id so lines trace back to jobs. */
export const conversationId = candidateJobId;
