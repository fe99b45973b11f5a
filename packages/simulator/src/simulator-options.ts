import type { SimulatorBatch, SimulatorFaults, simulatorQualitySchema } from '@parley/core';
import { fraction, simulatorConfigSchema, simulatorFaultsSchema } from '@parley/core';
import { z } from 'zod';

/** How to start the simulator. Mirrors the job file's `simulator:` block plus where to listen. */
export interface SimulatorOptions {
  /** TCP port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  host?: string;
  /** Seed of every answer and every injected fault. @defaultValue 1 */
  seed?: number;
  /** Fixed latency added to every model request, in ms. @defaultValue 0 */
  latencyMs?: number;
  /** Extra uniform jitter in [0, latencyJitterMs) ms. @defaultValue 0 */
  latencyJitterMs?: number;
  /** Answer 429 above this many model requests in any 60 s window. @defaultValue unlimited */
  requestsPerMinute?: number;
  /** Fault rates per request (each in [0, 1]) and the retry-after of injected 429s. @defaultValue all 0, retryAfterSeconds 1 */
  faults?: Partial<SimulatorFaults>;
  /** Seed file the text is drawn from (SPC CSV, Parley JSONL or plain lines). @defaultValue the built-in corpus */
  textSource?: string;
  /** Probability of the favourable answer of verdict-like fields. @defaultValue 0.8 */
  verdictPassRate?: number;
  /**
   * Judges' accuracy per expert, the Generator's defect rates and how much clean examples lower
   * them (docs/simulator.md). @defaultValue see simulatorQualitySchema
   */
  quality?: z.input<typeof simulatorQualitySchema>;
  /** How many distinct request bodies the fault injector remembers to count retries. @defaultValue 100000 */
  attemptMemory?: number;
  /** Batch APIs: completion delay, partial errors, expiry. @defaultValue delay 0, no errors, no expiry */
  batch?: Partial<SimulatorBatch>;
}

export const DEFAULT_SIMULATOR_OPTIONS = {
  port: 0,
  host: '127.0.0.1',
  verdictPassRate: 0.8,
  attemptMemory: 100_000,
} as const;

/** The options, validated, with every default applied. */
export const simulatorOptionsSchema = simulatorConfigSchema.extend({
  port: z
    .number({ error: 'expected a port number between 0 and 65535' })
    .int({ error: 'expected a port number between 0 and 65535' })
    .min(0, { error: 'expected a port number between 0 and 65535' })
    .max(65535, { error: 'expected a port number between 0 and 65535' })
    .default(DEFAULT_SIMULATOR_OPTIONS.port),
  host: z
    .string()
    .min(1, { error: 'expected a host name or address' })
    .default(DEFAULT_SIMULATOR_OPTIONS.host),
  faults: simulatorFaultsSchema.default(simulatorFaultsSchema.parse({})),
  verdictPassRate: fraction().default(DEFAULT_SIMULATOR_OPTIONS.verdictPassRate),
  attemptMemory: z.number().int().positive().default(DEFAULT_SIMULATOR_OPTIONS.attemptMemory),
});
export type ResolvedSimulatorOptions = z.infer<typeof simulatorOptionsSchema>;
