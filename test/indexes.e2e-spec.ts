import { createHash, randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { SearchAndForeignKeyIndexes1764806400000 } from '../migrations/1764806400000-SearchAndForeignKeyIndexes';
import { DevisRepository, DevisSearch } from '../src/devis/devis.repository';
import { query, startTestApp, TestApp } from './support/test-app';

/**
 * Plans depend on the planner, so they are checked on the PostgreSQL the app is deployed on
 * (DATABASE_URL, as .ci/run sets it); the catalogue checks also run on the embedded PGlite.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const itOnPostgres = onPostgres ? it : it.skip;

/** Foreign keys with no index whose leading columns are the key's (a partial index counts when
 * it only leaves out rows where a key column is null: those rows reference nothing). */
const UNINDEXED_FOREIGN_KEYS = `
  SELECT c.conrelid::regclass::text AS "table", c.conname AS "constraint"
    FROM pg_constraint c
   WHERE c.contype = 'f'
     AND c.connamespace = 'public'::regnamespace
     AND NOT EXISTS (
       SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          AND (i.indpred IS NULL OR pg_get_expr(i.indpred, i.indrelid) IN (
                SELECT format('(%s IS NOT NULL)', quote_ident(a.attname))
                  FROM pg_attribute a
                 WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey))))
   ORDER BY 1, 2`;

/** The indexes migration 1764806400000 creates. */
const MIGRATION_INDEXES = [
  'devis_reference_prefix_idx',
  'devis_company_name_trgm_idx',
  'chat_settings_llm_key_id_idx',
  'chat_settings_updated_by_id_idx',
  'feedback_user_id_idx',
  'gpt_api_keys_created_by_id_idx',
  'gpt_api_keys_replaced_by_id_idx',
  'llm_usage_logs_conversation_id_idx',
];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const flatten = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).flatMap(flatten)];

async function plan(t: TestApp, sql: string, params: unknown[]): Promise<PlanNode[]> {
  const [row] = await query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    t,
    `EXPLAIN (FORMAT JSON) ${sql}`,
    params,
  );
  return flatten(row['QUERY PLAN'][0].Plan);
}

/** Asserts the plan reads `table` through `index` and never scans it sequentially. */
function expectIndexUsed(nodes: PlanNode[], table: string, index: string) {
  const summary = nodes.map((n) =>
    [n['Node Type'], n['Relation Name'], n['Index Name']].filter(Boolean).join(' '),
  );
  expect(summary).not.toContain(`Seq Scan ${table}`);
  expect(
    nodes.some(
      (n) =>
        ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'].includes(n['Node Type']) &&
        n['Index Name'] === index,
    ),
  ).toBe(true);
}

describe('Indexes: the searches and foreign keys use them', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('leaves no foreign key without an index', async () => {
    expect(await query(t, UNINDEXED_FOREIGN_KEYS)).toEqual([]);
  });

  it("the migration's down() drops its indexes and up() brings them back", async () => {
    const runner: QueryRunner = t.get(DataSource).createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const migration = new SearchAndForeignKeyIndexes1764806400000();
    const indexes = async () =>
      (
        (await runner.query(
          `SELECT indexname FROM pg_indexes WHERE indexname = ANY ($1) ORDER BY 1`,
          [MIGRATION_INDEXES],
        )) as { indexname: string }[]
      ).map((r) => r.indexname);
    const unindexed = async () =>
      ((await runner.query(UNINDEXED_FOREIGN_KEYS)) as { constraint: string }[]).map(
        (r) => r.constraint,
      );
    try {
      // pg_trgm is not in the embedded PGlite: the migration leaves that index out there.
      const expected = MIGRATION_INDEXES.filter(
        (name) => onPostgres || name !== 'devis_company_name_trgm_idx',
      ).sort();
      expect(await indexes()).toEqual(expected);

      await migration.down(runner);
      expect(await indexes()).toEqual([]);
      expect(await unindexed()).toEqual([
        'chat_settings_llm_key_id_fkey',
        'chat_settings_updated_by_id_fkey',
        'feedback_user_id_fkey',
        'gpt_api_keys_created_by_id_fkey',
        'gpt_api_keys_replaced_by_id_fkey',
        'llm_usage_logs_conversation_id_fkey',
      ]);

      await migration.up(runner);
      expect(await indexes()).toEqual(expected);
      expect(await unindexed()).toEqual([]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  describe('on PostgreSQL, with a few thousand rows', () => {
    beforeAll(async () => {
      if (!onPostgres) return;
      await query(
        t,
        `INSERT INTO devis (reference, title, status, company_name, client_name,
                            total_ht_cents, total_tva_cents, total_ttc_cents, issue_date)
         SELECT format('DEV-%s', lpad(i::text, 5, '0')), 'Travaux ' || i, 'sent',
                'SARL ' || substr(md5(i::text), 1, 12), 'Client ' || i,
                1000, 100, 1100, date '2025-01-01' + (i % 365)
           FROM generate_series(1, 5000) i`,
      );
      await query(t, `ANALYZE devis`);
    });

    /**
     * The SQL (and parameters) DevisRepository.search sends for `s`: the page, then the count
     * (TypeORM skips the count when the first page holds every match).
     */
    async function searchSql(s: Omit<DevisSearch, 'offset'>) {
      const ds = t.get(DataSource);
      const spy = jest.spyOn(ds.logger, 'logQuery');
      try {
        const [rows, total] = await t.get(DevisRepository).search({ ...s, offset: 0 });
        const sent = spy.mock.calls
          .filter(([sql]) => /FROM "devis"/.test(sql))
          .map(([sql, params]) => ({ sql, params: params ?? [] }));
        return { rows, total, sent };
      } finally {
        spy.mockRestore();
      }
    }

    itOnPostgres('a reference prefix search reads devis_reference_prefix_idx', async () => {
      const { rows, total, sent } = await searchSql({ reference: 'dev-0012', limit: 5 });
      expect(total).toBe(10);
      expect(rows.map((d) => d.reference)).toHaveLength(5);
      expect(sent).toHaveLength(2);
      for (const { sql, params } of sent) {
        expectIndexUsed(await plan(t, sql, params), 'devis', 'devis_reference_prefix_idx');
      }
    });

    itOnPostgres('a company substring search reads devis_company_name_trgm_idx', async () => {
      const fragment = createHash('md5').update('1234').digest('hex').slice(2, 10).toUpperCase();
      const { rows, total, sent } = await searchSql({ company: fragment, limit: 20 });
      expect(total).toBe(1);
      expect(rows[0].reference).toBe('DEV-01234');
      expect(sent).toHaveLength(1);
      for (const { sql, params } of sent) {
        expectIndexUsed(await plan(t, sql, params), 'devis', 'devis_company_name_trgm_idx');
      }
    });

    itOnPostgres(
      'deleting a conversation finds its usage logs through llm_usage_logs_conversation_id_idx',
      async () => {
        const [user] = await query<{ id: string }>(
          t,
          `INSERT INTO users (email, name, password_hash, role)
           VALUES ($1, 'Indexes', 'x', 'user') RETURNING id`,
          [`indexes-${randomUUID()}@test.passerelle`],
        );
        const [conversation] = await query<{ id: string }>(
          t,
          `INSERT INTO llm_conversations (user_id, provider, model)
           VALUES ($1, 'openai', 'gpt-4o') RETURNING id`,
          [user.id],
        );
        await query(
          t,
          `INSERT INTO llm_usage_logs (user_id, provider, model, latency_ms, status, conversation_id)
           SELECT $1, 'openai', 'gpt-4o', 100, 'success', CASE WHEN i % 100 = 0 THEN $2::uuid END
             FROM generate_series(1, 5000) i`,
          [user.id, conversation.id],
        );
        await query(t, `ANALYZE llm_usage_logs`);
        // What the ON DELETE SET NULL trigger runs for each deleted conversation.
        const nodes = await plan(
          t,
          `UPDATE ONLY llm_usage_logs SET conversation_id = NULL WHERE conversation_id = $1`,
          [conversation.id],
        );
        expectIndexUsed(nodes, 'llm_usage_logs', 'llm_usage_logs_conversation_id_idx');
      },
    );
  });
});
