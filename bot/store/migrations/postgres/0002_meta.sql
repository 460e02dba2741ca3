-- 0002: small named values about the database itself (SQLite's 0003).
--
-- key_check: a value sealed under ENCRYPTION_KEY, so a wrong or missing key is
-- refused at startup before anything is read or written (bot/store/keys.py).
CREATE TABLE meta (
    name  text PRIMARY KEY,
    value text NOT NULL
);
