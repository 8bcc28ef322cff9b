-- Prompt search indexes the prompt with trigrams (PGlite loads the extension itself; on PostgreSQL 13+ a database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
