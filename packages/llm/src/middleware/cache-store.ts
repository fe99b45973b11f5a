/**
 * Where the response cache keeps its entries: a folder (FileCacheStore) or a Redis of its own
 * (RedisCacheStore), never the Redis that holds the run's queues. Keys are sha256 hex digests
 * of a request's content; values are the entry's JSON text.
 */
export interface CacheStore {
  /** The entry's text, or undefined when there is none or it is too old. */
  read(key: string): Promise<string | undefined>;
  /** Stores the entry; concurrent writers of one key each leave a complete entry. */
  write(key: string, text: string): Promise<void>;
}
