// The Redis side of RedisLimitStore: the windows of LimitStore, kept as
// InMemoryLimitStore keeps them (both pass limit-store-contract.test-support.ts).
// Per key: a hash of per-second buckets for requests and one for tokens
// (field: the second, value: what was taken in it), and a counter per UTC
// day for tokens (the key prefix in ARGV, the day appended here: standalone
// Redis only, like the response store). Time is ARGV[1] in milliseconds
// when given (tests), else Redis's own clock (TIME), so every replica counts
// on one clock. The kinds are numbered 1 requests per minute, 2 tokens per
// minute, 3 tokens per day; a limit of -1 is no limit.

const PRELUDE = `
local WINDOW = 60
local DAY_MS = 86400000

local function clock(given)
  local now = tonumber(given)
  if now then
    return now
  end
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- The sum of a window at second, and its buckets oldest first; buckets that
-- left the window are deleted.
local function window(key, second)
  local fields = redis.call('HGETALL', key)
  local buckets, used, stale = {}, 0, {}
  for i = 1, #fields, 2 do
    local bucket, amount = tonumber(fields[i]), tonumber(fields[i + 1])
    if bucket <= second - WINDOW then
      stale[#stale + 1] = fields[i]
    else
      used = used + amount
      buckets[#buckets + 1] = { bucket, amount }
    end
  end
  if #stale > 0 then
    redis.call('HDEL', key, unpack(stale))
  end
  table.sort(buckets, function(a, b) return a[1] < b[1] end)
  return used, buckets
end

local function untilEmpty(buckets, now)
  if #buckets == 0 then
    return 0
  end
  return (buckets[#buckets][1] + WINDOW) * 1000 - now
end

-- Until needed more has left the window; until it is empty when it never
-- holds that much (a whole window when it is empty already).
local function untilFreed(buckets, needed, now)
  local freed = 0
  for _, bucket in ipairs(buckets) do
    freed = freed + bucket[2]
    if freed >= needed then
      return (bucket[1] + WINDOW) * 1000 - now
    end
  end
  local empty = untilEmpty(buckets, now)
  if empty > 0 then
    return empty
  end
  return WINDOW * 1000
end

local function count(key, second, amount)
  redis.call('HINCRBY', key, second, amount)
  redis.call('EXPIRE', key, WINDOW + 1)
end

-- A day's counter outlives its day by one, so a late settle still finds it.
local function countDay(key, day, amount)
  redis.call('INCRBY', key, amount)
  redis.call('PEXPIREAT', key, (day + 2) * DAY_MS)
end
`;

/**
 * KEYS: requests hash, tokens hash. ARGV: now or '', the three limits, the
 * request cost, the token cost, the day key prefix. Takes the whole cost or
 * nothing. Returns: refused kind (0: taken), milliseconds until the cost
 * would fit, now, what the refused limit had used, then used and reset
 * (milliseconds) of each kind.
 */
export const TAKE_LUA = `${PRELUDE}
local requestsKey, tokensKey = KEYS[1], KEYS[2]
local now = clock(ARGV[1])
local second = math.floor(now / 1000)
local day = math.floor(now / DAY_MS)
local limits = { tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]) }
local costs = { tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[6]) }
local dayKey = ARGV[7] .. day
local used, buckets = { 0, 0, 0 }, { {}, {} }
if limits[1] >= 0 then
  used[1], buckets[1] = window(requestsKey, second)
end
if limits[2] >= 0 then
  used[2], buckets[2] = window(tokensKey, second)
end
if limits[3] >= 0 then
  used[3] = tonumber(redis.call('GET', dayKey) or '0')
end
local refused, retry, refusedUsed = 0, 0, 0
for kind = 1, 3 do
  if limits[kind] >= 0 and costs[kind] > 0 and used[kind] + costs[kind] > limits[kind] then
    refused, refusedUsed = kind, used[kind]
    break
  end
end
if refused == 3 then
  retry = (day + 1) * DAY_MS - now
elseif refused > 0 then
  retry = untilFreed(buckets[refused], used[refused] + costs[refused] - limits[refused], now)
end
local resets = { untilEmpty(buckets[1], now), untilEmpty(buckets[2], now), 0 }
if refused == 0 then
  local keys = { requestsKey, tokensKey }
  for kind = 1, 2 do
    if limits[kind] >= 0 and costs[kind] > 0 then
      count(keys[kind], second, costs[kind])
      used[kind] = used[kind] + costs[kind]
      resets[kind] = (second + WINDOW) * 1000 - now
    end
  end
  if limits[3] >= 0 and costs[3] > 0 then
    countDay(dayKey, day, costs[3])
    used[3] = used[3] + costs[3]
  end
end
if used[3] > 0 then
  resets[3] = (day + 1) * DAY_MS - now
end
return { refused, retry, now, refusedUsed, used[1], resets[1], used[2], resets[2], used[3], resets[3] }
`;

/**
 * KEYS: tokens hash. ARGV: now or '', the tokens-per-minute and per-day
 * limits, the reservation's second, day and tokens, the tokens used, the
 * day key prefix. The reservation leaves its bucket and day (when still
 * there); the tokens used are counted now.
 */
export const SETTLE_LUA = `${PRELUDE}
local tokensKey = KEYS[1]
local now = clock(ARGV[1])
local second = math.floor(now / 1000)
local day = math.floor(now / DAY_MS)
local reserved, usedTokens = tonumber(ARGV[6]), tonumber(ARGV[7])
if tonumber(ARGV[2]) >= 0 then
  if reserved > 0 then
    local left = tonumber(redis.call('HGET', tokensKey, ARGV[4]) or '0') - reserved
    if left > 0 then
      redis.call('HSET', tokensKey, ARGV[4], left)
    else
      redis.call('HDEL', tokensKey, ARGV[4])
    end
  end
  if usedTokens > 0 then
    count(tokensKey, second, usedTokens)
  end
end
if tonumber(ARGV[3]) >= 0 then
  local reservedDayKey = ARGV[8] .. ARGV[5]
  local current = redis.call('GET', reservedDayKey)
  if reserved > 0 and current then
    local left = tonumber(current) - reserved
    if left > 0 then
      redis.call('SET', reservedDayKey, left, 'KEEPTTL')
    else
      redis.call('DEL', reservedDayKey)
    end
  end
  if usedTokens > 0 then
    countDay(ARGV[8] .. day, day, usedTokens)
  end
end
return 1
`;
