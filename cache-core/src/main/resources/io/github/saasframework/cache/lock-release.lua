-- Releases a lock only if this owner still holds it.
-- KEYS[1]  the lock key
-- ARGV[1]  the owner token
-- Returns 1 if the key held the token and was deleted, else 0.
-- Atomic because GET and DEL must see the same value: between a separate GET and DEL the lease
-- could run out and another owner take the lock, whose key the DEL would then remove.
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
