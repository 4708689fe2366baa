import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

// Every script takes KEYS = [lru sorted set, clock counter] and starts its
// ARGV with the three key prefixes (response, item-set, item owner), so key
// names are defined once, in TypeScript. The per-response keys are derived
// inside the scripts (eviction cannot know them up front): standalone Redis
// only, not Redis Cluster.
const PRELUDE = `
local lruKey, clockKey = KEYS[1], KEYS[2]
local responsePrefix, itemSetPrefix, itemPrefix = ARGV[1], ARGV[2], ARGV[3]

local function remove(id)
  local existed = redis.call('DEL', responsePrefix .. id)
  local itemSet = itemSetPrefix .. id
  for _, itemId in ipairs(redis.call('SMEMBERS', itemSet)) do
    -- A later response may have taken the item id over: leave it alone.
    if redis.call('GET', itemPrefix .. itemId) == id then
      redis.call('DEL', itemPrefix .. itemId)
    end
  end
  redis.call('DEL', itemSet)
  redis.call('ZREM', lruKey, id)
  return existed
end

-- Recency is a counter, not a clock: no ties, no skew between replicas.
local function touch(id, ttl)
  redis.call('ZADD', lruKey, redis.call('INCR', clockKey), id)
  redis.call('EXPIRE', lruKey, ttl)
  redis.call('EXPIRE', clockKey, ttl)
end
`;

/** ARGV after the prefixes: ttl, id, json, capacity, item ids… Returns the number evicted. */
const SAVE = `${PRELUDE}
local ttl, id, json, capacity = ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
remove(id)
redis.call('SET', responsePrefix .. id, json, 'EX', ttl)
if #ARGV > 7 then
  local itemSet = itemSetPrefix .. id
  for i = 8, #ARGV do
    redis.call('SET', itemPrefix .. ARGV[i], id, 'EX', ttl)
    redis.call('SADD', itemSet, ARGV[i])
  end
  redis.call('EXPIRE', itemSet, ttl)
end
touch(id, ttl)
local excess = redis.call('ZCARD', lruKey) - capacity
if excess <= 0 then
  return 0
end
for _, victim in ipairs(redis.call('ZRANGE', lruKey, 0, excess - 1)) do
  remove(victim)
end
return excess
`;

/** ARGV after the prefixes: ttl, id. Returns the JSON (recency and TTLs refreshed) or nil. */
const GET = `${PRELUDE}
local ttl, id = ARGV[4], ARGV[5]
local json = redis.call('GET', responsePrefix .. id)
if not json then
  -- Expired by its TTL: drop it from the recency index too.
  redis.call('ZREM', lruKey, id)
  return false
end
redis.call('EXPIRE', responsePrefix .. id, ttl)
local itemSet = itemSetPrefix .. id
for _, itemId in ipairs(redis.call('SMEMBERS', itemSet)) do
  if redis.call('GET', itemPrefix .. itemId) == id then
    redis.call('EXPIRE', itemPrefix .. itemId, ttl)
  end
end
redis.call('EXPIRE', itemSet, ttl)
touch(id, ttl)
return json
`;

/** ARGV after the prefixes: id. Returns 1 when it existed. */
const DELETE = `${PRELUDE}
return remove(ARGV[4])
`;

/** ARGV after the prefixes: item id. Returns the owning response's JSON or nil. */
const GET_ITEM = `${PRELUDE}
local owner = redis.call('GET', itemPrefix .. ARGV[4])
if not owner then
  return false
end
return redis.call('GET', responsePrefix .. owner)
`;

/**
 * A Lua script run by its SHA1 (EVALSHA), loaded with EVAL the first time a
 * server does not know it (after a restart or SCRIPT FLUSH).
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.lua, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }
}

/** The store's atomic operations, one script each. */
export const RESPONSE_STORE_SCRIPTS = {
  save: new RedisScript(SAVE),
  get: new RedisScript(GET),
  delete: new RedisScript(DELETE),
  getItem: new RedisScript(GET_ITEM),
};
