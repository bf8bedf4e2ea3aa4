-- Releases a lock only if this owner still holds it, and tells the waiters.
-- KEYS[1]  the lock key
-- ARGV[1]  the owner token
-- ARGV[2]  optional: the channel on which waiters of this lock listen (the load lease of
--          remember has none)
-- Returns 1 if the key held the token and was deleted, else 0.
-- Atomic because GET and DEL must see the same value: between a separate GET and DEL the lease
-- could run out and another owner take the lock, whose key the DEL would then remove.
-- The notification is best effort (pcall): a user without rights on the channel still releases,
-- and waiters that miss it find the lock free at their next poll.
if call('GET', KEYS[1]) == ARGV[1] then
	call('DEL', KEYS[1])
	if ARGV[2] then
		redis.pcall('PUBLISH', ARGV[2], '1')
	end
	return 1
end
return 0
