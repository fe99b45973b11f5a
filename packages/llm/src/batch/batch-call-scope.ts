import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One provider call (all its transport attempts) as the batch transport sees it. The transport
 * notes the request's `custom_id`, and whether the answer it returns was delivered before: a job
 * that yielded to its batch runs again from the start, so its earlier calls read their answers a
 * second time (batch-yield.ts). The call runner bills a repeated delivery nothing, and keeps the
 * budget reservation of a yielded call parked under its `custom_id` until the answer comes.
 */
export interface BatchCallScope {
  /** Set by the batch transport: the request's `custom_id` in its model's batch queue. */
  customId?: string;
  repeatedDelivery: boolean;
}

const storage = new AsyncLocalStorage<BatchCallScope>();

export function newBatchCallScope(): BatchCallScope {
  return { repeatedDelivery: false };
}

/** Runs one transport attempt inside the call's scope. */
export function runInBatchCallScope<T>(scope: BatchCallScope, body: () => Promise<T>): Promise<T> {
  return storage.run(scope, body);
}

/** Called by the batch transport for every request it queues or answers. */
export function noteBatchRequest(customId: string): void {
  const scope = storage.getStore();
  if (scope) scope.customId = customId;
}

/** Called by the batch transport when the answer it returns was delivered (and billed) before. */
export function markRepeatedDelivery(): void {
  const scope = storage.getStore();
  if (scope) scope.repeatedDelivery = true;
}
