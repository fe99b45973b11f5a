/**
 * The BullMQ queues of the Generator–Critic loop. Every run shares them; job ids carry the run
 * id, and all queues live under one hash-tagged prefix (see keyPrefix) for Redis Cluster.
 */
export const QUEUE_NAMES = {
  /** Stage 1–3 chunks (query induction, persona bootstrapping, consistency checks). */
  personas: 'personas',
  /** One Generator call: one candidate conversation for one pair. */
  generate: 'generate',
  /** The Critic's filters over one candidate. */
  critique: 'critique',
  /** The pairwise vote among a pair's surviving candidates. */
  select: 'select',
  /** Processed by the scheduler: persists a pair's outcome to the run folder. */
  settle: 'settle',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
export const ALL_QUEUE_NAMES: QueueName[] = Object.values(QUEUE_NAMES);
