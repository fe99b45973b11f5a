import Anthropic from '@anthropic-ai/sdk';
import { batchDiscountOf, type ModelConfig, type ModelPrice } from '@parley/core';
import OpenAI from 'openai';
import { createAnthropicClient } from '../anthropic/anthropic-client';
import type { RedisClient } from '../middleware/redis-script';
import { createOpenAIClient, NO_API_KEY } from '../openai/openai-client';
import { AnthropicBatchVendor } from './anthropic-batch-vendor';
import { BatchQueue } from './batch-queue';
import type { BatchSettings } from './batch-settings';
import { type BatchLogger, BatchSubmitter } from './batch-submitter';
import { createBatchFetch } from './batch-transport';
import type { BatchVendor } from './batch-vendor';
import { OpenAIBatchVendor } from './openai-batch-vendor';

export interface BatchBindingOptions {
  name: string;
  config: ModelConfig;
  baseURL: string;
  apiKey: string | undefined;
  /** The model's queue id: bindings of one provider model and key share a queue. */
  queueId: string;
  redis: RedisClient;
  prefix: string;
  runId: string;
  settings: BatchSettings;
  logger?: BatchLogger;
}

/** What the registry needs to build a batch binding's model. */
export interface BatchBinding {
  /** SDK client whose requests go into the batch queue (for the adapter). */
  openaiClient?: OpenAI;
  anthropicClient?: Anthropic;
  /** The binding as the middleware sees it: batch prices, a call waits up to the batch window. */
  runnerConfig: ModelConfig;
}

// One submitter per queue and process, whichever runs and registries use the model.
const submitters = new Map<string, BatchSubmitter>();

/** Wires `execution: batch`: SDK clients over the batch queue, and the queue's submitter. */
export function createBatchBinding(options: BatchBindingOptions): BatchBinding {
  const { config, settings } = options;
  const queue = new BatchQueue(options.redis, options.prefix, options.queueId);
  const submitterKey = `${options.prefix}\n${options.queueId}`;
  let submitter = submitters.get(submitterKey);
  if (!submitter) {
    submitter = new BatchSubmitter(queue, vendorOf(options), settings, options.name, options.logger);
    submitters.set(submitterKey, submitter);
  }
  const fetch = createBatchFetch({ queue, submitter, runId: options.runId, settings });
  const runnerConfig: ModelConfig = {
    ...config,
    timeoutMs: settings.waitTimeoutMs,
    // Sync rate limits do not apply to requests waiting in a batch; the batch queue limits do.
    limits: {},
    price: discounted(config.price, batchDiscountOf(config)),
  };
  if (config.provider === 'anthropic') {
    return {
      runnerConfig,
      anthropicClient: new Anthropic({
        apiKey: options.apiKey ?? NO_API_KEY,
        baseURL: options.baseURL,
        maxRetries: 0,
        timeout: settings.waitTimeoutMs,
        logLevel: 'off',
        fetch,
      }),
    };
  }
  return {
    runnerConfig,
    openaiClient: new OpenAI({
      apiKey: options.apiKey ?? NO_API_KEY,
      baseURL: options.baseURL,
      maxRetries: 0,
      timeout: settings.waitTimeoutMs,
      organization: null,
      project: null,
      logLevel: 'off',
      fetch,
    }),
  };
}

/** Stops every submitter of this process (a worker shutting down); their locks are released. */
export async function stopBatchSubmitters(): Promise<void> {
  const all = [...submitters.values()];
  submitters.clear();
  await Promise.all(all.map((submitter) => submitter.stop()));
}

function vendorOf(options: BatchBindingOptions): BatchVendor {
  if (options.config.provider === 'anthropic') {
    return new AnthropicBatchVendor(
      createAnthropicClient({
        apiKey: options.apiKey ?? NO_API_KEY,
        baseURL: options.baseURL,
        timeoutMs: 120_000,
      }),
    );
  }
  return new OpenAIBatchVendor(
    createOpenAIClient({ apiKey: options.apiKey, baseURL: options.baseURL, timeoutMs: 120_000 }),
  );
}

/** Every price of the binding times the batch discount (prompt-cache prices included). */
function discounted(price: ModelPrice | undefined, discount: number): ModelPrice | undefined {
  if (!price || discount === 1) return price;
  const scale = (value: number | undefined) => (value === undefined ? undefined : value * discount);
  return {
    ...price,
    inputPerMillionTokens: price.inputPerMillionTokens * discount,
    outputPerMillionTokens: price.outputPerMillionTokens * discount,
    cachedInputPerMillionTokens: scale(price.cachedInputPerMillionTokens),
    cacheWritePerMillionTokens: scale(price.cacheWritePerMillionTokens),
  };
}
