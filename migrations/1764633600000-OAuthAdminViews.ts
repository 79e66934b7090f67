import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-only views over `oauth_models` for the back-office (OAuth clients, live grants), so
 * AdminJS lists, filters, sorts and pages them like tables. They name the columns they show and
 * nothing else: no client secret, no registration access token, no token or code id (an opaque
 * token's id is its value). Changes still go through OAuthGrantsService.
 */
export class OAuthAdminViews1764633600000 implements MigrationInterface {
  name = 'OAuthAdminViews1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW oauth_clients_view AS
      SELECT c.id AS client_id,
             COALESCE(c.payload->>'client_name', c.id) AS client_name,
             array_to_string(ARRAY(
               SELECT jsonb_array_elements_text(CASE
                 WHEN jsonb_typeof(c.payload->'redirect_uris') = 'array' THEN c.payload->'redirect_uris'
                 ELSE '[]'::jsonb END)
             ), ' ') AS redirect_uris,
             c.payload->>'token_endpoint_auth_method' AS auth_method,
             c.created_at AS registered_at,
             (SELECT count(*)::integer FROM oauth_models g
               WHERE g.model = 'Grant' AND g.client_id = c.id
                 AND (g.expires_at IS NULL OR g.expires_at > now())) AS live_grants
        FROM oauth_models c
       WHERE c.model = 'Client'`);
    await q.query(`
      CREATE VIEW oauth_grants_view AS
      SELECT g.id AS grant_id,
             g.account_id,
             u.email AS account_email,
             u.name AS account_name,
             g.client_id,
             COALESCE(c.payload->>'client_name', g.client_id) AS client_name,
             (SELECT string_agg(r.value, ' ' ORDER BY r.key) FROM jsonb_each_text(CASE
                WHEN jsonb_typeof(g.payload->'resources') = 'object' THEN g.payload->'resources'
                ELSE '{}'::jsonb END) r) AS scopes,
             g.created_at,
             g.expires_at,
             (SELECT count(*)::integer FROM oauth_models t
               WHERE t.grant_id = g.id AND t.model IN ('AccessToken', 'RefreshToken')
                 AND t.consumed_at IS NULL
                 AND (t.expires_at IS NULL OR t.expires_at > now())) AS live_tokens
        FROM oauth_models g
        LEFT JOIN oauth_models c ON c.model = 'Client' AND c.id = g.client_id
        LEFT JOIN users u ON u.id::text = g.account_id
       WHERE g.model = 'Grant' AND (g.expires_at IS NULL OR g.expires_at > now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW oauth_grants_view`);
    await q.query(`DROP VIEW oauth_clients_view`);
  }
}
