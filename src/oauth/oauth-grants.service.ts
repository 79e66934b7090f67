import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import { OAuthModelsRepository } from './oauth-models.repository';
import { OAuthServer } from './oauth-server';

export interface GrantView {
  grantId: string;
  clientId: string;
  clientName: string;
  accountId: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
}

/** The accesses people gave assistants: listed and revoked by their owner or an admin. */
@Injectable()
export class OAuthGrantsService {
  constructor(
    private readonly models: OAuthModelsRepository,
    private readonly oauth: OAuthServer,
  ) {}

  /** One person's grants; everyone's for the back-office (no `accountId`). */
  async list(accountId?: string): Promise<GrantView[]> {
    const grants = await this.models.grants(accountId);
    const names = new Map<string, string>();
    for (const id of new Set(grants.map((g) => g.clientId))) {
      names.set(id, (await this.oauth.clientOf(id))?.name ?? id);
    }
    return grants.map((g) => ({
      grantId: g.grantId,
      clientId: g.clientId,
      clientName: names.get(g.clientId) ?? g.clientId,
      accountId: g.accountId,
      scopes: g.scope.split(' ').filter(Boolean),
      createdAt: g.createdAt,
      expiresAt: g.expiresAt,
    }));
  }

  /** Ends a grant and every token it issued: the next call with any of them gets 401. */
  async revoke(actor: Pick<AuthenticatedUser, 'id' | 'role'>, grantId: string): Promise<void> {
    const grant = await this.models.grant(grantId);
    if (!grant || (actor.role !== 'admin' && grant.accountId !== actor.id)) {
      throw DomainException.notFound('Grant');
    }
    await this.models.revokeByGrantId(grantId);
  }

  /** Removes a registered client and every grant and token it holds (admins, back-office). */
  async revokeClient(clientId: string): Promise<number> {
    return this.models.revokeClient(clientId);
  }

  clients() {
    return this.models.clients();
  }
}
