import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { createECDH, hkdfSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appConfig, oauthConfig, securityConfig } from '../config';
import { UsersService } from '../users/users.service';
import { OAuthModelsRepository, type OAuthPayload } from './oauth-models.repository';
import { ALL_SCOPES, DEFAULT_SCOPES } from './scopes';

/* eslint-disable @typescript-eslint/no-explicit-any -- oidc-provider ships no types */
type Provider = any;
type KoaContext = any;

/** The provider's endpoints, all under /oauth (the issuer is APP_URL itself). */
export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  registration: '/oauth/register',
  revocation: '/oauth/revoke',
  jwks: '/oauth/jwks',
  end_session: '/oauth/logout',
  introspection: '/oauth/introspect',
  userinfo: '/oauth/userinfo',
  code_verification: '/oauth/device',
  device_authorization: '/oauth/device/auth',
  pushed_authorization_request: '/oauth/par',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
  credential: '/oauth/credential',
} as const;

export const INTERACTION_PATH = '/oauth/interaction';

/** An access token as the resource server sees it. */
export interface VerifiedAccessToken {
  accountId: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  grantId: string;
  expiresAt: Date;
}

export type InteractionDetails = {
  uid: string;
  prompt: { name: 'login' | 'consent' | string; details: Record<string, unknown> };
  params: Record<string, string | undefined>;
  session?: { accountId?: string };
  grantId?: string;
};

/**
 * Passerelle's OAuth 2.1 authorization server: oidc-provider (OpenID Certified, maintained),
 * configured for what MCP clients need — authorization code with PKCE S256 only, refresh
 * tokens rotated on use, revocation, dynamic client registration (RFC 7591), resource
 * indicators (RFC 8707) bound into the token audience, `iss` in the authorization response
 * (RFC 9207) — with its state in PostgreSQL (`oauth_models`), shared by every instance.
 * Access tokens are opaque and looked up on each call, so a revoked grant stops at once.
 */
@Injectable()
export class OAuthServer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OAuth');
  private provider?: Provider;
  private callback?: (req: IncomingMessage, res: ServerResponse) => void;
  private purgeTimer?: NodeJS.Timeout;
  /** The MCP server: the one resource tokens are issued for. */
  readonly resource: string;
  readonly issuer: string;

  constructor(
    private readonly models: OAuthModelsRepository,
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    @Inject(oauthConfig.KEY) private readonly config: ConfigType<typeof oauthConfig>,
    @Inject(securityConfig.KEY) private readonly security: ConfigType<typeof securityConfig>,
  ) {
    this.issuer = app.appUrl;
    this.resource = `${app.appUrl}/mcp`;
  }

  async onModuleInit(): Promise<void> {
    // ESM-only package, loaded with a real import() (module node16 keeps it).
    const { default: ProviderClass, errors } = (await import('oidc-provider')) as any;
    this.provider = new ProviderClass(this.issuer, this.configuration(errors));
    this.provider.proxy = this.app.trustProxy !== false;
    this.provider.use(defaultScopes);
    this.provider.on('server_error', (_ctx: unknown, err: Error) =>
      this.logger.error({ err: { type: err.name, message: err.message } }, 'OAuth server error'),
    );
    this.callback = this.provider.callback();
    this.purgeTimer = setInterval(() => void this.models.purgeExpired().catch(() => {}), 3_600_000);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /** RFC 9728 metadata URL of the MCP server: where a refused client learns how to sign in. */
  get resourceMetadataUrl(): string {
    return `${this.issuer}/.well-known/oauth-protected-resource/mcp`;
  }

  /** A `WWW-Authenticate: Bearer …` challenge for the MCP server (RFC 6750, RFC 9728). */
  challenge(error?: { code: string; description: string }, scopes: string[] = ALL_SCOPES): string {
    const parts = [
      `resource_metadata="${this.resourceMetadataUrl}"`,
      `scope="${scopes.join(' ')}"`,
    ];
    if (error) {
      const description = error.description.replace(/["\\]/g, "'");
      parts.push(`error="${error.code}"`, `error_description="${description}"`);
    }
    return `Bearer ${parts.join(', ')}`;
  }

  /** Express middleware: the provider's endpoints and discovery documents; anything else passes. */
  readonly middleware = (req: Request, res: Response, next: NextFunction) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path === '/.well-known/oauth-authorization-server') {
      // RFC 8414 metadata: the provider's discovery document, which holds every RFC 8414 field.
      req.url = '/.well-known/openid-configuration';
    } else if (
      path !== '/.well-known/openid-configuration' &&
      !(path.startsWith('/oauth/') && !path.startsWith(`${INTERACTION_PATH}/`))
    ) {
      next();
      return;
    }
    if (!this.callback) {
      next();
      return;
    }
    this.callback(req, res);
  };

  /** The token's holder, or null when it is unknown, expired, revoked or for another resource. */
  async verifyAccessToken(token: string): Promise<VerifiedAccessToken | null> {
    const found = await this.requireProvider().AccessToken.find(token);
    if (!found || found.isExpired) return null;
    const audience: unknown = found.aud;
    const audiences = Array.isArray(audience) ? audience : [audience];
    if (!audiences.includes(this.resource)) return null;
    const client = await this.requireProvider().Client.find(found.clientId);
    if (!client) return null;
    return {
      accountId: String(found.accountId),
      clientId: String(found.clientId),
      clientName: String(client.clientName ?? found.clientId),
      scopes: String(found.scope ?? '')
        .split(' ')
        .filter(Boolean),
      grantId: String(found.grantId),
      expiresAt: new Date(Number(found.exp) * 1000),
    };
  }

  interactionDetails(req: Request, res: Response): Promise<InteractionDetails> {
    return this.requireProvider().interactionDetails(req, res);
  }

  async clientOf(clientId: string): Promise<{ name: string; redirectUris: string[] } | null> {
    const client = await this.requireProvider().Client.find(clientId);
    if (!client) return null;
    return { name: String(client.clientName ?? clientId), redirectUris: client.redirectUris ?? [] };
  }

  finishInteraction(req: Request, res: Response, result: object, merge: boolean): Promise<void> {
    return this.requireProvider().interactionFinished(req, res, result, {
      mergeWithLastSubmission: merge,
    });
  }

  /** Saves (or extends) the grant of a consent: the MCP resource with the scopes asked for. */
  async grantConsent(details: InteractionDetails, accountId: string): Promise<string> {
    const provider = this.requireProvider();
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: details.params.client_id });
    const missing = (details.prompt.details.missingResourceScopes ?? {}) as Record<
      string,
      string[]
    >;
    for (const [indicator, scopes] of Object.entries(missing)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const oidcScopes = details.prompt.details.missingOIDCScope as string[] | undefined;
    if (oidcScopes?.length) grant.addOIDCScope(oidcScopes.join(' '));
    return grant.save();
  }

  private requireProvider(): Provider {
    if (!this.provider) throw new Error('The OAuth server is not started yet');
    return this.provider;
  }

  private configuration(errors: any): Record<string, unknown> {
    const { models, users, resource } = this;
    class PgAdapter {
      constructor(private readonly name: string) {}
      upsert(id: string, payload: OAuthPayload, expiresIn?: number) {
        return models.upsert(this.name, id, payload, expiresIn);
      }
      find(id: string) {
        return models.find(this.name, id);
      }
      findByUid(uid: string) {
        return models.findByUid(this.name, uid);
      }
      findByUserCode(userCode: string) {
        return models.findByUserCode(this.name, userCode);
      }
      consume(id: string) {
        return models.consume(this.name, id);
      }
      destroy(id: string) {
        return models.destroy(this.name, id);
      }
      revokeByGrantId(grantId: string) {
        return models.revokeByGrantId(grantId);
      }
    }
    const secret = (info: string, length = 32) =>
      Buffer.from(
        hkdfSync('sha256', this.security.encryptionKey, 'passerelle/oauth/v1', info, length),
      );
    return {
      adapter: PgAdapter,
      clients: [],
      async findAccount(_ctx: KoaContext, sub: string) {
        const user = await users.findById(sub);
        if (!user?.isActive) return undefined;
        return { accountId: sub, claims: () => ({ sub, email: user.email, name: user.name }) };
      },
      claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
      scopes: ['openid', 'offline_access', ...ALL_SCOPES],
      responseTypes: ['code'],
      pkce: { required: () => true },
      clientDefaults: {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        // The one signing key is EC P-256 (no ID token is issued without `openid` anyway).
        id_token_signed_response_alg: 'ES256',
      },
      issueRefreshToken: (_ctx: KoaContext, client: any) =>
        client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: true,
      ttl: {
        AccessToken: this.config.accessTokenTtlSeconds,
        AuthorizationCode: 60,
        RefreshToken: this.config.refreshTokenTtlSeconds,
        Grant: this.config.refreshTokenTtlSeconds,
        Interaction: 600,
        Session: 14 * 86_400,
        IdToken: 3_600,
      },
      routes: OAUTH_ROUTES,
      interactions: {
        url: (_ctx: KoaContext, interaction: { uid: string }) =>
          `${INTERACTION_PATH}/${interaction.uid}`,
      },
      cookies: {
        keys: [secret('cookies').toString('base64url')],
        long: { signed: true, httpOnly: true, sameSite: 'lax' },
        short: { signed: true, httpOnly: true, sameSite: 'lax' },
      },
      jwks: { keys: [signingKey(secret('signing-key'))] },
      discovery: { service_documentation: `${this.app.appUrl}/docs` },
      fetchResponseBodyLimits: {
        'client_id metadata document': 5_120,
        jwks_uri: 65_536,
        sector_identifier_uri: 65_536,
      },
      features: {
        devInteractions: { enabled: false },
        registration: { enabled: true, initialAccessToken: false },
        // Client ID metadata documents (an https URL as client_id): the library fetches them
        // over https only, refuses private and loopback addresses (SSRF), gives up after 2.5 s
        // and reads at most 5 KiB (fetchResponseBodyLimits below).
        clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
        revocation: { enabled: true },
        userinfo: { enabled: false },
        rpInitiatedLogout: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => resource,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: KoaContext, indicator: string) => {
            // RFC 8707: a token for any other resource is refused here, and checked again
            // (its audience) when it is used.
            if (indicator !== resource) throw new errors.InvalidTarget();
            return {
              scope: ALL_SCOPES.join(' '),
              audience: resource,
              accessTokenTTL: this.config.accessTokenTtlSeconds,
              accessTokenFormat: 'opaque',
            };
          },
        },
      },
      renderError: (ctx: KoaContext, out: Record<string, string>) => {
        ctx.type = 'html';
        ctx.body = errorPage(out);
      },
    };
  }
}

/** ChatGPT omits `scope` when it reconnects: such a request gets the default scopes. */
async function defaultScopes(ctx: KoaContext, next: () => Promise<void>) {
  if (ctx.path === OAUTH_ROUTES.authorization && ctx.method === 'GET' && !ctx.query.scope) {
    ctx.query = { ...ctx.query, scope: DEFAULT_SCOPES.join(' ') };
  }
  await next();
}

/** An EC P-256 signing key derived from ENCRYPTION_KEY: the same on every instance, no new secret. */
function signingKey(seed: Buffer) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(seed);
  const pub = ecdh.getPublicKey();
  return {
    kty: 'EC',
    crv: 'P-256',
    use: 'sig',
    alg: 'ES256',
    d: seed.toString('base64url'),
    x: pub.subarray(1, 33).toString('base64url'),
    y: pub.subarray(33, 65).toString('base64url'),
  };
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function errorPage(out: Record<string, string>): string {
  const error = escapeHtml(out.error ?? 'error');
  const description = escapeHtml(out.error_description ?? '');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Passerelle — ${error}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>Connexion impossible · Sign-in failed</h1><p><code>${error}</code></p><p>${description}</p>
<p>Revenez à votre assistant et recommencez. · Go back to your assistant and try again.</p></body></html>`;
}
