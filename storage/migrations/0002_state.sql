-- Small pieces of adapter state that must survive restarts (a platform's
-- update offset, chats that blocked the bot).
CREATE TABLE state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
