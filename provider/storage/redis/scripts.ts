/**
 * The Lua scripts of the Redis adapter. Each runs atomically on the server: no other command sees or interleaves with
 * its intermediate state. All but {@link WRITE} touch a single key (KEYS[1]) and run unchanged on Redis Cluster;
 * `WRITE` touches a record and its index keys together and is used only on a single master (standalone, Sentinel),
 * where keys have no slots.
 */

/**
 * The start of `consume` and `consumeIf`: the record KEYS[1] as text `v` and decoded `record`; nil when absent, an
 * error for text that is not a JSON object (the marking below appends to the object's text).
 */
const READ_RECORD = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local ok, record = pcall(cjson.decode, v)
if not ok or type(record) ~= 'table' or string.sub(v, -1) ~= '}' then
  return redis.error_reply('ERR kubeoidc: stored record is not a JSON object')
end
`;

/**
 * The marking of `consume` and `consumeIf`: `"consumed":<ARGV[1]>` appended to the record's JSON text rather than
 * re-encoding it with cjson, which would turn empty arrays into `{}` and large integers into floats; appended last, the
 * key wins over any earlier `"consumed":null` in `JSON.parse`. `KEEPTTL` keeps the record's original expiry.
 */
const MARK_CONSUMED = `
local marked
if v == '{}' then marked = '{"consumed":' .. ARGV[1] .. '}'
else marked = string.sub(v, 1, -2) .. ',"consumed":' .. ARGV[1] .. '}' end
redis.call('SET', KEYS[1], marked, 'KEEPTTL')
`;

/**
 * `consume`: of any number of concurrent callers exactly one gets the consumed record (its JSON with `consumed` set),
 * every other one nil, so the winner needs no second read. ARGV[1]: now (s), the `consumed` time
 * ({@link MARK_CONSUMED}).
 */
export const CONSUME = `${READ_RECORD}if record.consumed ~= nil and record.consumed ~= cjson.null then return false end
${MARK_CONSUMED}return marked
`;

/**
 * `consumeIf`: `consume` behind the checks a caller would otherwise make on a read first. ARGV: now (s; also the
 * `consumed` time), the required `clientId`, the least `iat` or empty, then pairs of a field name and the string it
 * must hold. Answers nil when absent, else `{outcome, json}`: `refused` (another client's, issued before `ARGV[3]`,
 * or `exp` ≤ now: nothing written), `used` (already consumed: nothing written), `refused` (unused, but a field
 * differs: nothing written), or `won` with the record as marked — the same marking as {@link CONSUME}.
 */
export const CONSUME_IF = `${READ_RECORD}local now = tonumber(ARGV[1])
if record.clientId ~= ARGV[2] or type(record.exp) ~= 'number' or record.exp <= now
  or (ARGV[3] ~= '' and (type(record.iat) ~= 'number' or record.iat < tonumber(ARGV[3]))) then
  return {'refused', v}
end
if record.consumed ~= nil and record.consumed ~= cjson.null then return {'used', v} end
for i = 4, #ARGV, 2 do
  if record[ARGV[i]] ~= ARGV[i + 1] then return {'refused', v} end
end
${MARK_CONSUMED}return {'won', marked}
`;

/**
 * A whole `upsert`/`insert` in one atomic step, on a single master only (it touches several keys, which Redis Cluster
 * allows only within one slot). KEYS[1] is the record, KEYS[2…] its index keys; ARGV: the JSON, the TTL (ms), `NX`
 * or empty, the id, then per index key `set` (a grant or client set: add the id, extend the set's TTL to at least the
 * record's) or `str` (a uid or user-code key: set to the id with the record's TTL). With `NX` and a live record
 * nothing is written and 0 is answered. Being one script, the record and its indexes are written together or not at
 * all.
 */
export const WRITE = `
local ttl = tonumber(ARGV[2])
if ARGV[3] == 'NX' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #KEYS do
  if ARGV[i + 3] == 'set' then
    redis.call('SADD', KEYS[i], ARGV[4])
    if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
  else
    redis.call('SET', KEYS[i], ARGV[4], 'PX', ttl)
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
return 1
`;

/** Adds an id to a grant set and makes the set live at least as long as that member (ARGV[2] ms). */
export const ADD_TO_SET = `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

/**
 * Deletes a record only if its field ARGV[1] (`grantId`, `clientId`) still equals ARGV[2]: an index set may list an id
 * whose record was since replaced by one bound elsewhere, which must survive the revocation. Answers 1 when it deleted.
 */
export const DELETE_IF_FIELD = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, record = pcall(cjson.decode, v)
if ok and type(record) == 'table' and record[ARGV[1]] == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/** Deletes an index key only if it still points to id ARGV[1] (another record may have taken the uid since). */
export const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
