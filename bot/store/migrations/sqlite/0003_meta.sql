-- 0003: small named values about the database itself.
--
-- key_check: a value sealed under ENCRYPTION_KEY, so a wrong or missing key is
-- refused at startup before anything is read or written (bot/store/keys.py).
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
