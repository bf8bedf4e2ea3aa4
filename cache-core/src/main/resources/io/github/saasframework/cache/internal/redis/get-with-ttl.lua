-- Reads a value and its remaining TTL in one round trip.
-- KEYS[1]  the key
-- Returns nil when the key does not exist, else {value, remaining TTL in milliseconds (-1 for
-- none)}.
-- One script rather than GET + PTTL so that both answers describe the same entry (no expiry or
-- rewrite in between) and cost one round trip on the shared connection; it writes nothing.
local value = call('GET', KEYS[1])
if not value then
	return nil
end
return {value, call('PTTL', KEYS[1])}
