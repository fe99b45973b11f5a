import { redisKey } from '@parley/core';
import {
  estimateJaccard,
  lshBandKeys,
  type MinHashSignature,
  type NearDuplicateIndex,
  type NearDuplicateMatch,
} from '@parley/critic';
import type { Redis } from 'ioredis';

/**
 * The near-duplicate index of one run, shared by every worker through Redis: LSH band buckets
 * in one hash (bucket → first conversation seen in it) and signatures packed as binary in
 * another. Keeping one id per bucket bounds memory at bands × accepted conversations fields;
 * a candidate still meets every accepted conversation it shares a band with through the
 * bucket's first occupant or its other bands.
 */
export class RedisNearDuplicateIndex implements NearDuplicateIndex {
  private readonly bucketsKey: string;
  private readonly signaturesKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    runId: string,
    private readonly bands = 32,
  ) {
    this.bucketsKey = redisKey(prefix, 'run', runId, 'nd', 'buckets');
    this.signaturesKey = redisKey(prefix, 'run', runId, 'nd', 'signatures');
  }

  async findSimilar(signature: MinHashSignature): Promise<NearDuplicateMatch[]> {
    const keys = lshBandKeys(signature, this.bands);
    if (keys.length === 0) return [];
    const ids = [
      ...new Set((await this.redis.hmget(this.bucketsKey, ...keys)).filter((id): id is string => !!id)),
    ];
    if (ids.length === 0) return [];
    const packed = await this.redis.hmgetBuffer(this.signaturesKey, ...ids);
    return ids
      .map((id, index) => {
        const stored = packed[index];
        return { id, similarity: stored ? estimateJaccard(signature, unpack(stored)) : 0 };
      })
      .sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id));
  }

  async add(id: string, signature: MinHashSignature): Promise<void> {
    const keys = lshBandKeys(signature, this.bands);
    if (keys.length === 0) return;
    const pipeline = this.redis.pipeline().hset(this.signaturesKey, id, pack(signature));
    for (const key of keys) pipeline.hsetnx(this.bucketsKey, key, id);
    await pipeline.exec();
  }
}

function pack(signature: MinHashSignature): Buffer {
  const buffer = Buffer.alloc(signature.length * 4);
  for (const [index, value] of signature.entries()) buffer.writeUInt32LE(value >>> 0, index * 4);
  return buffer;
}

function unpack(buffer: Buffer): MinHashSignature {
  const signature = new Array<number>(buffer.length / 4);
  for (let index = 0; index < signature.length; index++) signature[index] = buffer.readUInt32LE(index * 4);
  return signature;
}
