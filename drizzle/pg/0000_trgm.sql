-- Trigram operators for the title search index, created before the index that uses them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
