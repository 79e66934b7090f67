import {
  OAuthClientViewEntity,
  OAuthGrantViewEntity,
} from '../../src/oauth/entities/oauth-admin-views.entity';
import type { OAuthGrantsService } from '../../src/oauth/oauth-grants.service';
import { adminOnly, currentPanelAdmin, readOnlyActions, staffOrAdmin } from '../access';
import type { ActionContext, BaseRecord, ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';
import { listUrl, recordAction } from '../handlers';

const navigation = { name: 'Assistants', icon: 'Activity' };

/**
 * OAuth clients registered dynamically by assistants (ChatGPT apps, Claude connectors, …),
 * from the `oauth_clients_view` view: public metadata only (the view has no client secret and
 * no registration access token). Staff read; admins revoke (the client, its grants, its tokens).
 */
export function oauthClientsResource(
  oauth: OAuthGrantsService,
  components: PanelComponents,
): ResourceWithOptions {
  return {
    resource: OAuthClientViewEntity,
    options: {
      id: 'oauth-clients',
      navigation,
      sort: { sortBy: 'registeredAt', direction: 'desc' },
      listProperties: ['clientName', 'clientId', 'redirectUris', 'liveGrants', 'registeredAt'],
      filterProperties: ['clientName', 'clientId', 'redirectUris', 'registeredAt'],
      showProperties: [
        'clientId',
        'clientName',
        'redirectUris',
        'authMethod',
        'liveGrants',
        'registeredAt',
      ],
      properties: {
        clientName: { isTitle: true },
        redirectUris: { description: 'Separated by spaces' },
        authMethod: { description: 'token_endpoint_auth_method' },
        liveGrants: { type: 'number', description: 'Grants not yet expired' },
      },
      actions: {
        ...readOnlyActions(staffOrAdmin),
        revoke: revokeAction(
          components,
          'Removes this client with every grant people gave it and every token it holds: its next call gets 401. The assistant can register again; people then sign in and consent again.',
          'Revoke client',
          async (id, record) =>
            `Client "${String(record.get('clientName'))}" revoked (${await oauth.revokeClient(id)} records removed)`,
        ),
      },
    },
  };
}

/**
 * Live grants (`oauth_grants_view`): which person let which client do what. Staff read;
 * admins revoke one (OAuthGrantsService.revoke: the grant and every token it issued, so the
 * next call with any of them gets 401).
 */
export function oauthGrantsResource(
  oauth: OAuthGrantsService,
  components: PanelComponents,
): ResourceWithOptions {
  return {
    resource: OAuthGrantViewEntity,
    options: {
      id: 'oauth-grants',
      navigation,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: [
        'accountEmail',
        'clientName',
        'scopes',
        'liveTokens',
        'createdAt',
        'expiresAt',
      ],
      filterProperties: [
        'accountEmail',
        'accountName',
        'accountId',
        'clientName',
        'clientId',
        'scopes',
        'createdAt',
        'expiresAt',
      ],
      showProperties: [
        'grantId',
        'accountEmail',
        'accountName',
        'accountId',
        'clientName',
        'clientId',
        'scopes',
        'liveTokens',
        'createdAt',
        'expiresAt',
      ],
      properties: {
        accountEmail: { isTitle: true, description: 'The person (user) who consented' },
        accountId: { type: 'string', description: 'User id' },
        liveTokens: {
          type: 'number',
          description: 'Access and refresh tokens not yet expired, used or revoked',
        },
      },
      actions: {
        ...readOnlyActions(staffOrAdmin),
        revoke: revokeAction(
          components,
          "Ends this grant and every token it issued: the assistant's next call gets 401. The person can connect the assistant again (sign-in and consent).",
          'Revoke grant',
          async (id, _record, context) => {
            await oauth.revoke(currentPanelAdmin(context), id);
            return 'Grant revoked';
          },
        ),
      },
    },
  };
}

/** An admin-only, confirmed, POST-only record action that revokes, then goes back to the list. */
function revokeAction(
  components: PanelComponents,
  intro: string,
  submitLabel: string,
  revoke: (id: string, record: BaseRecord, context: ActionContext) => Promise<string>,
) {
  return {
    actionType: 'record' as const,
    icon: 'Slash',
    variant: 'danger' as const,
    isAccessible: adminOnly,
    component: components.ActionForm,
    custom: { intro, submitLabel, variant: 'danger' },
    handler: recordAction(async (record, _request, context) => {
      const message = await revoke(String(record.id()), record, context);
      return {
        record: record.toJSON(context.currentAdmin),
        redirectUrl: listUrl(context),
        notice: { message, type: 'success' as const },
      };
    }),
  };
}
