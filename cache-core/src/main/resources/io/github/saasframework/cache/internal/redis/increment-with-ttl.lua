-- Adds to an integer counter and gives it a TTL if it has none (a fixed rate-limit window).
-- KEYS[1]  the counter key
-- ARGV[1]  the delta (integer)
-- ARGV[2]  the TTL in milliseconds, applied only when the key has no expiry
-- Returns the new value.
-- Atomic so that no counter can outlive its window: with INCR and EXPIRE as two calls, a client
-- that dies between them leaves a key that never expires and blocks its user for good. Checking
-- PTTL (instead of "value == delta") also repairs a counter that lost its TTL, and never moves
-- the end of a running window. PTTL and PEXPIRE work on Redis 2.6+ (no EXPIRE NX needed).
local value = call('INCRBY', KEYS[1], ARGV[1])
if call('PTTL', KEYS[1]) == -1 then
	call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
