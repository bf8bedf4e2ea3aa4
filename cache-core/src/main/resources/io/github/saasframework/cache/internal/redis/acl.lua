-- Put in front of every script of the library (LuaScripts reads it once): call(...) runs one
-- command as redis.call does, but a command that the ACL refuses to the cache's user fails with a
-- reply that names it. Inside a script Redis 7.0 only says "The user executing the script can't
-- run this command or subcommand", so a user could not tell which right is missing.
local function call(...)
	local reply = redis.pcall(...)
	if type(reply) == 'table' and reply.err then
		if string.find(reply.err, "can't run this command", 1, true) or string.sub(reply.err, 1, 7) == 'NOPERM ' then
			error({ err = "NOPERM this user has no permissions to run the '" .. string.lower((...)) .. "' command" })
		end
		error(reply)
	end
	return reply
end
