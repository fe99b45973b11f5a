import { redisKey } from '@parley/core';
import {
  estimateJaccard,
  lshBandKeys,
  type MinHashSignature,
  type NearDuplicateClaim,
  type NearDuplicateIndex,
  type NearDuplicateMatch,
} from '@parley/critic';
import type { Redis } from 'ioredis';

/** Ids kept per LSH bucket; the oldest make room. A near copy shares most of the 32 bands, so it is still met. */
export const DEFAULT_IDS_PER_BUCKET = 64;

/**
 * Check-and-record in one step, so two workers reviewing near copies at the same moment cannot
 * both pass. KEYS: buckets hash, signatures hash. ARGV: id, packed signature, threshold, ids per
 * bucket, then the band keys. Every id of every shared bucket is compared (4-byte minima, equal
 * count / hashes); the closest other conversation decides. Answers {claimed 0|1, closest id or
 * '', its similarity}.
 */
const CLAIM_SCRIPT = `
local id, signature, threshold, limit = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local hashes = #signature / 4
local seen, bestId, best = {}, '', -1
for index = 5, #ARGV do
  local members = redis.call('HGET', KEYS[1], ARGV[index])
  if members then
    for other in string.gmatch(members, '%S+') do
      if other ~= id and not seen[other] then
        seen[other] = true
        local stored = redis.call('HGET', KEYS[2], other)
        if stored and #stored == #signature then
          local equal = 0
          for offset = 1, #signature, 4 do
            if string.sub(stored, offset, offset + 3) == string.sub(signature, offset, offset + 3) then
              equal = equal + 1
            end
          end
          local similarity = equal / hashes
          if similarity > best or (similarity == best and other < bestId) then
            best, bestId = similarity, other
          end
        end
      end
    end
  end
end
if best >= threshold then return {0, bestId, tostring(best)} end
redis.call('HSET', KEYS[2], id, signature)
for index = 5, #ARGV do
  local members = redis.call('HGET', KEYS[1], ARGV[index])
  local list = {}
  local present = false
  if members then
    for other in string.gmatch(members, '%S+') do
      list[#list + 1] = other
      if other == id then present = true end
    end
  end
  if not present then
    list[#list + 1] = id
    while #list > limit do table.remove(list, 1) end
    redis.call('HSET', KEYS[1], ARGV[index], table.concat(list, ' '))
  end
end
if best < 0 then return {1, '', '0'} end
return {1, bestId, tostring(best)}
`;

/** Takes one id out of the given buckets and drops its signature. KEYS as above; ARGV: id, band keys. */
const REMOVE_SCRIPT = `
local id = ARGV[1]
for index = 2, #ARGV do
  local members = redis.call('HGET', KEYS[1], ARGV[index])
  if members then
    local list = {}
    for other in string.gmatch(members, '%S+') do
      if other ~= id then list[#list + 1] = other end
    end
    if #list == 0 then redis.call('HDEL', KEYS[1], ARGV[index])
    else redis.call('HSET', KEYS[1], ARGV[index], table.concat(list, ' ')) end
  end
end
redis.call('HDEL', KEYS[2], id)
return 1
`;

/**
 * The near-duplicate index of one run, shared by every worker through Redis: LSH band buckets
 * in one hash (bucket → the ids in it, space-separated, at most `idsPerBucket`) and signatures
 * packed as binary in another. `claim` checks and records in one Lua script, so concurrent
 * near copies cannot both pass.
 */
export class RedisNearDuplicateIndex implements NearDuplicateIndex {
  private readonly bucketsKey: string;
  private readonly signaturesKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    runId: string,
    private readonly bands = 32,
    private readonly idsPerBucket = DEFAULT_IDS_PER_BUCKET,
  ) {
    if (!Number.isInteger(idsPerBucket) || idsPerBucket < 1) throw new RangeError('idsPerBucket must be ≥ 1');
    this.bucketsKey = redisKey(prefix, 'run', runId, 'nd', 'buckets');
    this.signaturesKey = redisKey(prefix, 'run', runId, 'nd', 'signatures');
  }

  async findSimilar(signature: MinHashSignature): Promise<NearDuplicateMatch[]> {
    const keys = lshBandKeys(signature, this.bands);
    if (keys.length === 0) return [];
    const members = await this.redis.hmget(this.bucketsKey, ...keys);
    const ids = [...new Set(members.flatMap((list) => (list ? list.split(' ') : [])))];
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
    // A threshold above 1 always records.
    await this.claim(id, signature, 2);
  }

  async claim(id: string, signature: MinHashSignature, threshold: number): Promise<NearDuplicateClaim> {
    checkId(id);
    const keys = lshBandKeys(signature, this.bands);
    if (keys.length === 0) return { claimed: true };
    const [claimed, closestId, similarity] = (await this.redis.eval(
      CLAIM_SCRIPT,
      2,
      this.bucketsKey,
      this.signaturesKey,
      id,
      pack(signature),
      String(threshold),
      String(this.idsPerBucket),
      ...keys,
    )) as [number, string, string];
    const closest = closestId ? { id: closestId, similarity: Number(similarity) } : undefined;
    if (claimed === 1) return closest ? { claimed: true, closest } : { claimed: true };
    return { claimed: false, closest: closest! };
  }

  async remove(id: string): Promise<void> {
    checkId(id);
    const stored = await this.redis.hgetBuffer(this.signaturesKey, id);
    if (!stored) return;
    const keys = lshBandKeys(unpack(stored), this.bands);
    await this.redis.eval(REMOVE_SCRIPT, 2, this.bucketsKey, this.signaturesKey, id, ...keys);
  }
}

function checkId(id: string): void {
  if (id.length === 0 || /\s/.test(id))
    throw new RangeError(`near-duplicate index: bad id ${JSON.stringify(id)}`);
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
