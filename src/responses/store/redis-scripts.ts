import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

// Every script takes KEYS = [lru sorted set, clock counter] and starts its
// ARGV with the four key prefixes (record, legacy record, item set, item
// owner), so key names are defined once, in TypeScript. The per-response
// keys are derived inside the scripts (eviction and chains cannot know them
// up front): standalone Redis only, not Redis Cluster.
//
// A record is a hash: `json` (the turn: response, input items, owner, and
// only the history no linked record holds), `prev` (the id of the record it
// continues), `children` (how many records link to it), `deleted` (the
// client deleted it; kept, hidden, as its children's history) and `owner`
// (the Tenant.id in `json` again, for GET and DELETE to check without
// decoding the JSON; absent when the turn has no owner, as in every record
// written before owners existed). A legacy record is a JSON string holding
// the whole history (written before links): it is read, refreshed and
// removed like a record without `prev`, and has no owner.
const PRELUDE = `
local lruKey, clockKey = KEYS[1], KEYS[2]
local recordPrefix, legacyPrefix = ARGV[1], ARGV[2]
local itemSetPrefix, itemPrefix = ARGV[3], ARGV[4]

-- json, prev id (or false), deleted; json is false when there is no record.
local function load(id)
  local fields = redis.call('HMGET', recordPrefix .. id, 'json', 'prev', 'deleted')
  if fields[1] then
    return fields[1], fields[2], fields[3] == '1'
  end
  return redis.call('GET', legacyPrefix .. id), false, false
end

local function dropItems(id)
  local itemSet = itemSetPrefix .. id
  for _, itemId in ipairs(redis.call('SMEMBERS', itemSet)) do
    -- A later response may have taken the item id over: leave it alone.
    if redis.call('GET', itemPrefix .. itemId) == id then
      redis.call('DEL', itemPrefix .. itemId)
    end
  end
  redis.call('DEL', itemSet)
end

-- Removes a record for good, then a deleted record nothing links to any
-- more. Returns 1 when the first one existed.
local function remove(id)
  local existed = 0
  local first = true
  while id do
    local prev = redis.call('HGET', recordPrefix .. id, 'prev')
    local removed = redis.call('DEL', recordPrefix .. id, legacyPrefix .. id)
    if first then
      existed = math.min(removed, 1)
      first = false
    end
    dropItems(id)
    redis.call('ZREM', lruKey, id)
    id = false
    if prev and redis.call('EXISTS', recordPrefix .. prev) == 1 then
      local left = redis.call('HINCRBY', recordPrefix .. prev, 'children', -1)
      if left <= 0 and redis.call('HGET', recordPrefix .. prev, 'deleted') == '1' then
        id = prev
      end
    end
  end
  return existed
end

-- Recency is a counter, not a clock: no ties, no skew between replicas.
-- Every key of the record gets the TTL again.
local function touch(id, ttl)
  redis.call('EXPIRE', recordPrefix .. id, ttl)
  redis.call('EXPIRE', legacyPrefix .. id, ttl)
  local itemSet = itemSetPrefix .. id
  for _, itemId in ipairs(redis.call('SMEMBERS', itemSet)) do
    if redis.call('GET', itemPrefix .. itemId) == id then
      redis.call('EXPIRE', itemPrefix .. itemId, ttl)
    end
  end
  redis.call('EXPIRE', itemSet, ttl)
  redis.call('ZADD', lruKey, redis.call('INCR', clockKey), id)
end

-- Whether the record of id passes an owner filter (guarded: only owner's).
-- A legacy record has no owner field: it passes no guard.
local function passes(id, guarded, owner)
  return not guarded or redis.call('HGET', recordPrefix .. id, 'owner') == owner
end

local function touchIndex(ttl)
  redis.call('EXPIRE', lruKey, ttl)
  redis.call('EXPIRE', clockKey, ttl)
end

-- Follows the links from prev, touching each record after the one that
-- links to it (so eviction takes a record before the ones it links to).
-- Returns their json when collect is set (nearest first), and whether the
-- chain is whole: every link found, at most limit of them.
local function walk(prev, ttl, limit, collect)
  local jsons = {}
  local links = 0
  while prev do
    links = links + 1
    if links > limit then
      return jsons, false
    end
    local json, next = load(prev)
    if not json then
      return jsons, false
    end
    touch(prev, ttl)
    if collect then
      jsons[#jsons + 1] = json
    end
    prev = next
  end
  return jsons, true
end

-- How many links a record reached from prev would have, or false when its
-- chain is broken or longer than limit.
local function linksFrom(prev, limit)
  local links = 0
  while prev do
    links = links + 1
    if links > limit or redis.call('EXISTS', recordPrefix .. prev) == 0 then
      return false
    end
    prev = redis.call('HGET', recordPrefix .. prev, 'prev')
  end
  return links
end
`;

/**
 * ARGV after the prefixes: ttl, id, json, capacity, max links, prev ('' for
 * none), owner ('' for none), item ids… Returns the number evicted, or -1
 * without writing when the record cannot link to prev (gone, deleted, or
 * its chain too long): then the caller saves it again with its whole
 * history and no prev.
 */
const SAVE = `${PRELUDE}
local ttl, id, json = ARGV[5], ARGV[6], ARGV[7]
local capacity, maxLinks, prev = tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10]
local owner = ARGV[11]
local key = recordPrefix .. id
if prev ~= '' then
  -- Only to a record of this format (a legacy one cannot count children).
  local prevFields = redis.call('HMGET', recordPrefix .. prev, 'json', 'deleted')
  if not prevFields[1] or prevFields[2] == '1' or prev == id or not linksFrom(prev, maxLinks) then
    return -1
  end
end
local children = tonumber(redis.call('HGET', key, 'children') or '0')
remove(id)
redis.call('HSET', key, 'json', json)
if prev ~= '' then
  redis.call('HSET', key, 'prev', prev)
  redis.call('HINCRBY', recordPrefix .. prev, 'children', 1)
end
if children > 0 then
  redis.call('HSET', key, 'children', children)
end
if owner ~= '' then
  redis.call('HSET', key, 'owner', owner)
end
redis.call('EXPIRE', key, ttl)
if #ARGV > 11 then
  local itemSet = itemSetPrefix .. id
  for i = 12, #ARGV do
    redis.call('SET', itemPrefix .. ARGV[i], id, 'EX', ttl)
    redis.call('SADD', itemSet, ARGV[i])
  end
  redis.call('EXPIRE', itemSet, ttl)
end
touch(id, ttl)
if prev ~= '' then
  walk(prev, ttl, maxLinks, false)
end
touchIndex(ttl)
local excess = redis.call('ZCARD', lruKey) - capacity
if excess <= 0 then
  return 0
end
for _, victim in ipairs(redis.call('ZRANGE', lruKey, 0, excess - 1)) do
  remove(victim)
end
return excess
`;

/**
 * ARGV after the prefixes: ttl, id, '1' to collect the history, max links,
 * then '1' and an owner to find only that owner's record (else '0', '').
 * Returns nil, or {'whole' or 'broken', json, ancestors' json nearest
 * first…}; the record and its chain are refreshed either way.
 */
const GET = `${PRELUDE}
local ttl, id, collect, limit = ARGV[5], ARGV[6], ARGV[7] == '1', tonumber(ARGV[8])
local guarded, owner = ARGV[9] == '1', ARGV[10]
local json, prev, deleted = load(id)
if not json then
  -- Expired by its TTL: drop it from the recency index too.
  redis.call('ZREM', lruKey, id)
  return false
end
if deleted or not passes(id, guarded, owner) then
  return false
end
touch(id, ttl)
local ancestors, whole = walk(prev, ttl, limit, collect)
touchIndex(ttl)
local reply = { whole and 'whole' or 'broken', json }
for _, ancestor in ipairs(ancestors) do
  reply[#reply + 1] = ancestor
end
return reply
`;

/**
 * ARGV after the prefixes: id, '1' to delete only a record of the owner
 * that follows (else '0', ''). Returns 1 when it existed (and was the
 * owner's). A record that others link to is only hidden (and its items
 * unindexed): it goes when the last of them goes.
 */
const DELETE = `${PRELUDE}
local id, guarded, owner = ARGV[5], ARGV[6] == '1', ARGV[7]
local json, _, deleted = load(id)
if not json or deleted then
  return 0
end
if not passes(id, guarded, owner) then
  return 0
end
if tonumber(redis.call('HGET', recordPrefix .. id, 'children') or '0') > 0 then
  redis.call('HSET', recordPrefix .. id, 'deleted', '1')
  dropItems(id)
  return 1
end
return remove(id)
`;

/** ARGV after the prefixes: item id. Returns the owning record's JSON or nil. */
const GET_ITEM = `${PRELUDE}
local owner = redis.call('GET', itemPrefix .. ARGV[5])
if not owner then
  return false
end
local json, _, deleted = load(owner)
if deleted then
  return false
end
return json
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
