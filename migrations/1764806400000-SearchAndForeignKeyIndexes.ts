import { MigrationInterface, QueryRunner } from 'typeorm';

/** [table, column] of each foreign key that had no index starting with its column. */
const FOREIGN_KEYS = [
  ['chat_settings', 'llm_key_id'],
  ['chat_settings', 'updated_by_id'],
  ['feedback', 'user_id'],
  ['gpt_api_keys', 'created_by_id'],
  ['gpt_api_keys', 'replaced_by_id'],
  ['llm_usage_logs', 'conversation_id'],
] as const;

/**
 * Indexes for the searches that scanned whole tables (test/indexes.e2e-spec.ts proves each one
 * with EXPLAIN on PostgreSQL):
 * - devis by reference prefix, `upper(reference) LIKE upper('DEV-2025%')`: the unique index on
 *   upper(reference) uses the database collation, which LIKE cannot use unless it is "C";
 *   `text_pattern_ops` compares bytes, so the prefix becomes an index range.
 * - devis by company, `lower(company_name) LIKE lower('%dupont%')`: no btree serves a leading
 *   wildcard; a pg_trgm GIN index does. pg_trgm ships with PostgreSQL (contrib, a trusted
 *   extension), but not with the embedded PGlite unless loaded: without it the index is left out
 *   and that search keeps scanning (fine at an embedded database's size). `fastupdate = off`:
 *   rows go straight into the index instead of a pending list that only VACUUM merges, which
 *   the planner costs so high that it scans the table until autovacuum has run; quotes are
 *   written rarely, read often.
 * - foreign keys without an index on the referencing side: deleting the referenced row
 *   (ON DELETE SET NULL) scanned the whole table. All are nullable, mostly null: partial indexes,
 *   as gpt_analyses_user_id_idx is.
 */
export class SearchAndForeignKeyIndexes1764806400000 implements MigrationInterface {
  name = 'SearchAndForeignKeyIndexes1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX devis_reference_prefix_idx ON devis (upper(reference) text_pattern_ops)`,
    );
    const trgm: unknown[] = await q.query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`,
    );
    if (trgm.length) {
      await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      await q.query(
        `CREATE INDEX devis_company_name_trgm_idx ON devis
           USING gin (lower(company_name) gin_trgm_ops) WITH (fastupdate = off)`,
      );
    }

    for (const [table, column] of FOREIGN_KEYS) {
      await q.query(
        `CREATE INDEX ${table}_${column}_idx ON ${table} (${column}) WHERE ${column} IS NOT NULL`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of [...FOREIGN_KEYS].reverse()) {
      await q.query(`DROP INDEX ${table}_${column}_idx`);
    }
    // The extension stays: it may have been there before, and other objects may use it.
    await q.query(`DROP INDEX IF EXISTS devis_company_name_trgm_idx`);
    await q.query(`DROP INDEX devis_reference_prefix_idx`);
  }
}
