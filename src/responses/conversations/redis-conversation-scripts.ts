import { RedisScript } from '../store/redis-scripts.js';

// Every script takes KEYS = [record hash, id list, item hash] of one
// conversation, and ARGV = [ttl, guarded ('1' to find only the owner's),
// owner, …]. The record hash holds `json` (the ConversationRecord without
// its metadata), `metadata` (its JSON), `owner` (its Tenant.id, absent when
// auth was off), `version` (bumped by every item added or removed) and,
// while the version is the one it left, the last turn's `last_response`
// and `last_version`. The id list holds the item ids, oldest first; the
// item hash each item's JSON by id. A foreign conversation is answered as a
// missing one before anything is read, refreshed or changed. Every key gets
// the TTL again on use. Only HISTORY reads every item (LPOS needs Redis
// 6.0.6 or later).
const PRELUDE = `
local recordKey, idsKey, itemsKey = KEYS[1], KEYS[2], KEYS[3]
local ttl, guarded, owner = ARGV[1], ARGV[2] == '1', ARGV[3]

-- {json, metadata} when the record exists and passes the owner filter, else false.
local function find()
  local fields = redis.call('HMGET', recordKey, 'json', 'owner', 'metadata')
  if not fields[1] then
    return false
  end
  if guarded and fields[2] ~= owner then
    return false
  end
  return { fields[1], fields[3] }
end

local function refresh()
  redis.call('EXPIRE', recordKey, ttl)
  redis.call('EXPIRE', idsKey, ttl)
  redis.call('EXPIRE', itemsKey, ttl)
end

-- The JSON of the items of these ids, in their order (HMGET in slices:
-- unpack has a stack limit).
local function itemsOf(ids, reply)
  for from = 1, #ids, 1000 do
    local slice = { unpack(ids, from, math.min(from + 999, #ids)) }
    for _, json in ipairs(redis.call('HMGET', itemsKey, unpack(slice))) do
      if json then
        reply[#reply + 1] = json
      end
    end
  end
  return reply
end
`;

/** ARGV after the prelude's: json, metadata, then id and json of each item. Replaces any conversation of that id. */
const CREATE = `${PRELUDE}
redis.call('DEL', recordKey, idsKey, itemsKey)
redis.call('HSET', recordKey, 'json', ARGV[4], 'metadata', ARGV[5], 'version', 0)
if owner ~= '' then
  redis.call('HSET', recordKey, 'owner', owner)
end
for at = 6, #ARGV, 2 do
  redis.call('RPUSH', idsKey, ARGV[at])
  redis.call('HSET', itemsKey, ARGV[at], ARGV[at + 1])
end
refresh()
return 1
`;

/** Returns nil or {json, metadata}. */
const GET = `${PRELUDE}
local record = find()
if not record then
  return false
end
refresh()
return record
`;

/** Returns nil or {version, continues ('' for none), items' json…}. */
const HISTORY = `${PRELUDE}
if not find() then
  return false
end
refresh()
local state = redis.call('HMGET', recordKey, 'version', 'last_response', 'last_version')
local version = state[1] or '0'
local continues = ''
if state[2] and state[3] == version then
  continues = state[2]
end
return itemsOf(redis.call('LRANGE', idsKey, 0, -1), { version, continues })
`;

/**
 * ARGV after the prelude's: order ('asc' or 'desc'), limit, after, before
 * ('' for none). Cuts the window pageWindow (conversation-pages.ts) cuts.
 * Returns nil or {has_more ('1' or '0'), the page's items' json…}.
 */
const PAGE = `${PRELUDE}
if not find() then
  return false
end
refresh()
local descending, limit = ARGV[4] ~= 'asc', tonumber(ARGV[5])
local count = redis.call('LLEN', idsKey)
-- The item's position in the page's order, or -1.
local function ordered(itemId)
  local position = redis.call('LPOS', idsKey, itemId)
  if not position then
    return -1
  end
  if descending then
    return count - 1 - position
  end
  return position
end
local start, stop = 0, count
if ARGV[6] ~= '' then
  local at = ordered(ARGV[6])
  start = at < 0 and count or at + 1
end
if ARGV[7] ~= '' then
  local at = ordered(ARGV[7])
  if at >= 0 then
    stop = at
  end
end
local available = math.max(0, stop - start)
local size = math.min(limit, available)
local hasMore = available > size and '1' or '0'
if size == 0 then
  return { hasMore }
end
local ids
if descending then
  local first = count - 1 - start
  ids = redis.call('LRANGE', idsKey, first - size + 1, first)
  for low = 1, math.floor(#ids / 2) do
    local high = #ids - low + 1
    ids[low], ids[high] = ids[high], ids[low]
  end
else
  ids = redis.call('LRANGE', idsKey, start, start + size - 1)
end
return itemsOf(ids, { hasMore })
`;

/** ARGV after the prelude's: item ids. Returns nil, or {json of each one held…}. */
const ITEMS_BY_ID = `${PRELUDE}
if not find() then
  return false
end
refresh()
if #ARGV < 4 then
  return {}
end
return itemsOf({ unpack(ARGV, 4) }, {})
`;

/** ARGV after the prelude's: the metadata's json. Returns nil or {json, metadata}. */
const SET_METADATA = `${PRELUDE}
local record = find()
if not record then
  return false
end
redis.call('HSET', recordKey, 'metadata', ARGV[4])
refresh()
return { record[1], ARGV[4] }
`;

/**
 * ARGV after the prelude's: max items, the version the turn read ('' for
 * none), its response id, then id and json of each item. Returns 1 when
 * appended, 0 when not found, -1 (nothing written) past max items: the
 * checks and the writes are one step, so concurrent appends never lose
 * items. An item whose id is held already is not added again.
 */
const APPEND = `${PRELUDE}
if not find() then
  return 0
end
local ids, jsons, seen = {}, {}, {}
for at = 7, #ARGV, 2 do
  local itemId = ARGV[at]
  if not seen[itemId] and redis.call('HEXISTS', itemsKey, itemId) == 0 then
    ids[#ids + 1] = itemId
    jsons[#jsons + 1] = ARGV[at + 1]
  end
  seen[itemId] = true
end
if redis.call('LLEN', idsKey) + #ids > tonumber(ARGV[4]) then
  return -1
end
for index, itemId in ipairs(ids) do
  redis.call('RPUSH', idsKey, itemId)
  redis.call('HSET', itemsKey, itemId, jsons[index])
end
local wasAt = tonumber(redis.call('HGET', recordKey, 'version') or '0')
local version = redis.call('HINCRBY', recordKey, 'version', 1)
local whole = #ids * 2 == #ARGV - 6
if ARGV[5] ~= '' and tonumber(ARGV[5]) == wasAt and whole then
  redis.call('HSET', recordKey, 'last_response', ARGV[6], 'last_version', version)
else
  redis.call('HDEL', recordKey, 'last_response', 'last_version')
end
refresh()
return 1
`;

/** ARGV after the prelude's: item id. Returns nil, or {json, metadata, '1' when deleted else '0'}. */
const DELETE_ITEM = `${PRELUDE}
local record = find()
if not record then
  return false
end
refresh()
if redis.call('HDEL', itemsKey, ARGV[4]) == 0 then
  return { record[1], record[2], '0' }
end
redis.call('LREM', idsKey, 1, ARGV[4])
redis.call('HINCRBY', recordKey, 'version', 1)
return { record[1], record[2], '1' }
`;

/** Returns 1 when the conversation was found (and was the owner's) and removed. */
const DELETE = `${PRELUDE}
if not find() then
  return 0
end
redis.call('DEL', recordKey, idsKey, itemsKey)
return 1
`;

/** The conversation store's atomic operations, one script each. */
export const CONVERSATION_SCRIPTS = {
  create: new RedisScript(CREATE),
  get: new RedisScript(GET),
  history: new RedisScript(HISTORY),
  page: new RedisScript(PAGE),
  itemsById: new RedisScript(ITEMS_BY_ID),
  setMetadata: new RedisScript(SET_METADATA),
  append: new RedisScript(APPEND),
  deleteItem: new RedisScript(DELETE_ITEM),
  delete: new RedisScript(DELETE),
};
