import { BaseEntity, Column, PrimaryColumn, ViewEntity } from 'typeorm';

/*
 * The back-office's read-only views over `oauth_models` (migration OAuthAdminViews): what
 * AdminJS lists. They hold no secret by construction. Columns carry explicit types (not
 * @ViewColumn) so that AdminJS's TypeORM adapter knows which are dates, numbers and strings.
 * Nothing writes through them: revocations go through OAuthGrantsService.
 */

/** A client registered dynamically (RFC 7591): its public metadata only. */
@ViewEntity({ name: 'oauth_clients_view' })
export class OAuthClientViewEntity extends BaseEntity {
  @PrimaryColumn({ type: 'varchar' })
  clientId: string;

  @Column({ type: 'varchar' })
  clientName: string;

  /** Space-separated (a URI holds no space). */
  @Column({ type: 'text' })
  redirectUris: string;

  @Column({ type: 'varchar', nullable: true })
  authMethod: string | null;

  @Column({ type: 'timestamptz' })
  registeredAt: Date;

  /** Grants not yet expired. */
  @Column({ type: 'integer' })
  liveGrants: number;
}

/** A live grant: what a person let one client do. */
@ViewEntity({ name: 'oauth_grants_view' })
export class OAuthGrantViewEntity extends BaseEntity {
  @PrimaryColumn({ type: 'varchar' })
  grantId: string;

  /** The user's id. */
  @Column({ type: 'varchar' })
  accountId: string;

  /** Null once the user is deleted. */
  @Column({ type: 'varchar', nullable: true })
  accountEmail: string | null;

  @Column({ type: 'varchar', nullable: true })
  accountName: string | null;

  @Column({ type: 'varchar' })
  clientId: string;

  @Column({ type: 'varchar' })
  clientName: string;

  /** Space-separated, as in OAuth. */
  @Column({ type: 'text', nullable: true })
  scopes: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** Access and refresh tokens not yet expired, used or revoked. */
  @Column({ type: 'integer' })
  liveTokens: number;
}
