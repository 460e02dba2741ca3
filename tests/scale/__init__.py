"""Several bot processes on one database."""
