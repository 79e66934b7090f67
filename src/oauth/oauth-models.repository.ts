import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export type OAuthPayload = Record<string, unknown>;

interface Row {
  payload: OAuthPayload;
  consumed_at: Date | null;
}

/** A grant a person gave an assistant, as the person and the back-office list it. */
export interface GrantSummary {
  grantId: string;
  accountId: string;
  clientId: string;
  scope: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/**
 * The only place that reads or writes `oauth_models`: oidc-provider's models (one row per
 * instance, keyed by model name and id), with the fields the provider looks them up by.
 */
@Injectable()
export class OAuthModelsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async upsert(model: string, id: string, payload: OAuthPayload, expiresIn?: number) {
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    await this.db.query(
      `INSERT INTO oauth_models (model, id, payload, grant_id, uid, user_code, account_id, client_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
         uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, account_id = EXCLUDED.account_id,
         client_id = EXCLUDED.client_id, expires_at = EXCLUDED.expires_at`,
      [
        model,
        id,
        payload,
        text(payload.grantId),
        text(payload.uid),
        text(payload.userCode),
        text(payload.accountId),
        text(payload.clientId),
        expiresAt,
      ],
    );
  }

  find(model: string, id: string) {
    return this.one(`model = $1 AND id = $2`, [model, id]);
  }

  findByUid(model: string, uid: string) {
    return this.one(`model = $1 AND uid = $2`, [model, uid]);
  }

  findByUserCode(model: string, userCode: string) {
    return this.one(`model = $1 AND user_code = $2`, [model, userCode]);
  }

  async consume(model: string, id: string) {
    await this.db.query(
      `UPDATE oauth_models SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL`,
      [model, id],
    );
  }

  async destroy(model: string, id: string) {
    await this.db.query(`DELETE FROM oauth_models WHERE model = $1 AND id = $2`, [model, id]);
  }

  /** Every token, code and the grant itself: whatever the grant let a client do stops now. */
  async revokeByGrantId(grantId: string): Promise<number> {
    const rows = (await this.db.query(
      `DELETE FROM oauth_models WHERE grant_id = $1 OR (model = 'Grant' AND id = $1) RETURNING id`,
      [grantId],
    )) as unknown[];
    return rows.length;
  }

  /** A client's registration and everything issued to it. */
  async revokeClient(clientId: string): Promise<number> {
    const rows = (await this.db.query(
      `DELETE FROM oauth_models WHERE client_id = $1 OR (model = 'Client' AND id = $1) RETURNING id`,
      [clientId],
    )) as unknown[];
    return rows.length;
  }

  async purgeExpired(): Promise<void> {
    await this.db.query(`DELETE FROM oauth_models WHERE expires_at < now()`);
  }

  /** Live grants, newest first: one person's (accountId), or everyone's (back-office). */
  grants(accountId?: string): Promise<GrantSummary[]> {
    return this.liveGrants(`AND ($1::varchar IS NULL OR account_id = $1)`, [accountId ?? null]);
  }

  async grant(grantId: string): Promise<GrantSummary | undefined> {
    return (await this.liveGrants(`AND id = $1`, [grantId]))[0];
  }

  private async liveGrants(where: string, params: unknown[]): Promise<GrantSummary[]> {
    const rows = (await this.db.query(
      `SELECT id, account_id, client_id, payload, created_at, expires_at FROM oauth_models
        WHERE model = 'Grant' AND (expires_at IS NULL OR expires_at > now()) ${where}
        ORDER BY created_at DESC LIMIT 500`,
      params,
    )) as {
      id: string;
      account_id: string;
      client_id: string;
      payload: { resources?: Record<string, string> };
      created_at: Date;
      expires_at: Date | null;
    }[];
    return rows.map((r) => ({
      grantId: r.id,
      accountId: r.account_id,
      clientId: r.client_id,
      scope: Object.values(r.payload.resources ?? {}).join(' '),
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    }));
  }

  /** Registered clients' metadata (dynamic registration), newest first. */
  async clients(): Promise<{ clientId: string; metadata: OAuthPayload; createdAt: Date }[]> {
    const rows = (await this.db.query(
      `SELECT id, payload, created_at FROM oauth_models WHERE model = 'Client' ORDER BY created_at DESC LIMIT 500`,
    )) as { id: string; payload: OAuthPayload; created_at: Date }[];
    return rows.map((r) => ({ clientId: r.id, metadata: r.payload, createdAt: r.created_at }));
  }

  private async one(where: string, params: unknown[]): Promise<OAuthPayload | undefined> {
    const [row] = (await this.db.query(
      `SELECT payload, consumed_at FROM oauth_models
        WHERE ${where} AND (expires_at IS NULL OR expires_at > now())`,
      params,
    )) as Row[];
    if (!row) return undefined;
    return row.consumed_at
      ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) }
      : row.payload;
  }
}
