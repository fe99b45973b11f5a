import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One provider call as the batch transport sees it. A job that yielded to its batch runs again
 * from the start, so its earlier calls read their answers a second time (batch-yield.ts); the
 * transport marks such a repeated delivery here and the call runner does not bill it again.
 */
interface BatchCallScope {
  repeatedDelivery: boolean;
}

const storage = new AsyncLocalStorage<BatchCallScope>();

/** Runs one call attempt; says whether its answer was one the batch queue had delivered before. */
export async function runBatchAwareCall<T>(
  body: () => Promise<T>,
): Promise<{ value: T; repeatedDelivery: boolean }> {
  const scope: BatchCallScope = { repeatedDelivery: false };
  const value = await storage.run(scope, body);
  return { value, repeatedDelivery: scope.repeatedDelivery };
}

/** Called by the batch transport when the answer it returns was delivered (and billed) before. */
export function markRepeatedDelivery(): void {
  const scope = storage.getStore();
  if (scope) scope.repeatedDelivery = true;
}
