import { MigrationInterface, QueryRunner } from 'typeorm';

/** Quotes (devis) with their lines, GPT analyses, and idempotency records of GPT posts. */
export class DevisAndAnalyses1763856000000 implements MigrationInterface {
  name = 'DevisAndAnalyses1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE devis (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference varchar(40) NOT NULL,
        title varchar(200) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'sent', 'accepted', 'rejected', 'expired')),
        company_name varchar(200) NOT NULL,
        company_siret char(14),
        client_name varchar(200) NOT NULL,
        client_postcode varchar(10),
        client_city varchar(100),
        currency char(3) NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
        total_ht_cents bigint NOT NULL CHECK (total_ht_cents >= 0),
        total_tva_cents bigint NOT NULL CHECK (total_tva_cents >= 0),
        total_ttc_cents bigint NOT NULL CHECK (total_ttc_cents = total_ht_cents + total_tva_cents),
        issue_date date NOT NULL,
        valid_until date,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_until IS NULL OR valid_until >= issue_date)
      )`);
    await q.query(`CREATE UNIQUE INDEX devis_reference_key ON devis (upper(reference))`);
    await q.query(`CREATE INDEX devis_company_name_idx ON devis (lower(company_name))`);
    await q.query(`CREATE INDEX devis_issue_date_idx ON devis (issue_date)`);
    await q.query(`CREATE INDEX devis_status_idx ON devis (status)`);

    await q.query(`
      CREATE TABLE devis_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        devis_id uuid NOT NULL REFERENCES devis (id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 1),
        description varchar(500) NOT NULL,
        category varchar(40) NOT NULL,
        quantity numeric(12, 3) NOT NULL CHECK (quantity > 0),
        unit varchar(16) NOT NULL,
        unit_price_ht_cents bigint NOT NULL CHECK (unit_price_ht_cents >= 0),
        tva_rate_bp integer NOT NULL CHECK (tva_rate_bp BETWEEN 0 AND 10000),
        total_ht_cents bigint NOT NULL CHECK (total_ht_cents >= 0),
        UNIQUE (devis_id, position)
      )`);

    await q.query(`
      CREATE TABLE gpt_analyses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        devis_id uuid NOT NULL REFERENCES devis (id) ON DELETE CASCADE,
        api_key_id uuid REFERENCES gpt_api_keys (id) ON DELETE SET NULL,
        gpt_score smallint NOT NULL CHECK (gpt_score BETWEEN 0 AND 100),
        gpt_grade char(1) NOT NULL CHECK (gpt_grade IN ('A', 'B', 'C', 'D', 'E')),
        confidence smallint NOT NULL CHECK (confidence BETWEEN 0 AND 100),
        analysis jsonb NOT NULL,
        recommendations jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX gpt_analyses_devis_id_idx ON gpt_analyses (devis_id, created_at DESC)`,
    );
    await q.query(`CREATE INDEX gpt_analyses_api_key_id_idx ON gpt_analyses (api_key_id)`);
    await q.query(`CREATE INDEX gpt_analyses_created_at_idx ON gpt_analyses (created_at)`);

    await q.query(`
      CREATE TABLE gpt_idempotency_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        api_key_id uuid NOT NULL REFERENCES gpt_api_keys (id) ON DELETE CASCADE,
        idempotency_key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        response_status smallint NOT NULL,
        response_body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (api_key_id, idempotency_key)
      )`);
    await q.query(
      `CREATE INDEX gpt_idempotency_records_created_at_idx ON gpt_idempotency_records (created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gpt_idempotency_records`);
    await q.query(`DROP TABLE gpt_analyses`);
    await q.query(`DROP TABLE devis_lines`);
    await q.query(`DROP TABLE devis`);
  }
}
