-- Sets a lock's remaining lease only if this owner still holds it.
-- KEYS[1]  the lock key
-- KEYS[2]  the lock's fencing counter (same hash slot), given the same lease, so that it lives
--          as long as the lock and at most a lease longer
-- ARGV[1]  the owner token
-- ARGV[2]  the new lease in milliseconds (PEXPIRE: millisecond precision, never rounded to 0)
-- Returns 1 if the key held the token and its lease was set, else 0.
-- Atomic for the same reason as lock-release.lua: a compare followed by a separate PEXPIRE
-- could extend a lock that another owner took in between.
if call('GET', KEYS[1]) == ARGV[1] then
	call('PEXPIRE', KEYS[2], ARGV[2])
	return call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
