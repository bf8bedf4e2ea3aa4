-- Acquires a lock and issues its fencing token, in one atomic step.
-- KEYS[1]  the lock key: a plain string holding the owner token, with a PX expiry
-- KEYS[2]  the lock's fencing counter (same hash slot as KEYS[1])
-- ARGV[1]  the owner token
-- ARGV[2]  the lease in milliseconds
-- Returns the fencing token (>= 1) if the lock is now held by this token. Otherwise a negative
-- number: -2 - PTTL of the lock (so a waiter knows when the lease runs out), or -1 if the lock
-- has no expiry.
--
-- Idempotent for its own token: an attempt whose reply was lost (a timeout) and that is
-- retried finds its own token and holds the lock, with the token issued the first time.
--
-- The token is strictly greater than every token issued before for this lock: the counter
-- plus one, but never below the server's clock in microseconds. The counter is set with the
-- lock's lease (and extended with it by lock-extend.lua), so it outlives the lock by at most
-- one lease: tokens issued a lease or more apart are ordered by the clock alone, tokens issued
-- closer together (a release and the next acquire in the same microsecond, a clock that stepped
-- back a little) by the counter.
local current = call('GET', KEYS[1])
if current == ARGV[1] then
	call('PEXPIRE', KEYS[1], ARGV[2])
	local issued = tonumber(call('GET', KEYS[2]))
	if issued then
		call('PEXPIRE', KEYS[2], ARGV[2])
		return issued
	end
	current = false
	call('DEL', KEYS[1])
end
if current then
	local pttl = call('PTTL', KEYS[1])
	if pttl < 0 then
		return -1
	end
	return -2 - pttl
end
local time = call('TIME')
local floor = tonumber(time[1]) * 1000000 + tonumber(time[2])
local token = (tonumber(call('GET', KEYS[2])) or 0) + 1
if token < floor then
	token = floor
end
call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
call('SET', KEYS[2], string.format('%d', token), 'PX', ARGV[2])
return token
