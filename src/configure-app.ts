import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { IncomingMessage, Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import {
  GPT_KEY_SECURITY,
  OAUTH_SECURITY,
  USER_TOKEN_SECURITY,
} from './common/auth/auth.decorator';
import { appConfig, type AppConfig } from './config';
import { RequestLoggerMiddleware } from './common/logging/logging.module';
import { OpenApiDocumentStore } from './gpt-schema/openapi-document.store';
import { INTERACTION_PATH, OAUTH_ROUTES, OAuthServer } from './oauth/oauth-server';
import { ALL_SCOPES, OAUTH_SCOPES } from './oauth/scopes';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';

/**
 * Everything main.ts applies to the Nest app, shared with the e2e tests so they run the
 * same HTTP stack: logger, body limits, security headers, CORS, Swagger.
 */
export function configureApp(app: NestExpressApplication): AppConfig {
  const config = app.get<AppConfig>(appConfig.KEY);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Node requires the headers timeout to outlast the keep-alive timeout.
  server.headersTimeout = config.keepAliveTimeoutMs + 1_000;
  // Request id + log line, and HTTP metrics, first: plain Express middleware sees every
  // request (body-parser errors included) without the per-request route matching that Nest's
  // module middleware (`forRoutes('{*path}')`) costs.
  for (const middleware of [RequestLoggerMiddleware, HttpMetricsMiddleware]) {
    const instance = app.get(middleware);
    app.use(instance.use.bind(instance));
  }
  // JSON APIs: no ETag (hashing every body for conditional GETs no client of ours sends).
  app.disable('etag');
  // Every endpoint takes JSON; forms exist only in the back-office, which parses its own.
  // The OAuth authorization server (oidc-provider) answers its own endpoints, bodies included.
  app.use(app.get(OAuthServer).middleware);
  // /mcp reads its own body: a malformed or oversized JSON-RPC message gets a JSON-RPC error.
  app.useBodyParser('json', { limit: config.bodyLimit, type: isJsonOutsideMcp });
  // The sign-in and consent forms of the OAuth flow are the only form posts outside /admin.
  app.useBodyParser('urlencoded', { limit: '16kb', extended: false, type: isInteractionForm });
  app.use(
    helmet({
      // TLS ends at the platform's proxy; forcing https sub-resources would break /docs on http.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  // No CORS_ORIGINS: no cross-origin access, and no CORS middleware on every request.
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 });
  }
  setupSwagger(app, config);
  return config;
}

function isInteractionForm(req: IncomingMessage): boolean {
  return (
    (req.url ?? '').startsWith(`${INTERACTION_PATH}/`) &&
    /^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '')
  );
}

function isJsonOutsideMcp(req: IncomingMessage): boolean {
  const path = (req.url ?? '').split('?', 1)[0];
  return path !== '/mcp' && /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

const EXPOSED_HEADERS = [
  'X-Request-Id',
  // Browser MCP clients read the OAuth challenge of a 401 from it (else discovery fails silently).
  'WWW-Authenticate',
  'Mcp-Protocol-Version',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
];

export function buildOpenApiDocument(app: NestExpressApplication, config: AppConfig) {
  const options = new DocumentBuilder()
    .setTitle('Passerelle API')
    .setDescription(
      'The server Custom GPT Actions call, with its support and LLM plumbing. ' +
        'GPT Actions authenticate with a `torp_gpt_…` key; staff and admins with a session token ' +
        'from `POST /api/auth/login`. Every error has the body `{ statusCode, error, code, message, requestId }`.',
    )
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addServer(config.appUrl)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'GPT API key (torp_gpt_…), per-key hourly limit',
      },
      GPT_KEY_SECURITY,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Session token from POST /api/auth/login' },
      USER_TOKEN_SECURITY,
    )
    .addOAuth2(
      {
        type: 'oauth2',
        description:
          'OAuth 2.1 access token of a person, for the MCP server (PKCE S256; dynamic registration at /oauth/register)',
        flows: {
          authorizationCode: {
            authorizationUrl: `${config.appUrl}${OAUTH_ROUTES.authorization}`,
            tokenUrl: `${config.appUrl}${OAUTH_ROUTES.token}`,
            refreshUrl: `${config.appUrl}${OAUTH_ROUTES.token}`,
            scopes: Object.fromEntries(ALL_SCOPES.map((s) => [s, OAUTH_SCOPES[s].en])),
          },
        },
      },
      OAUTH_SECURITY,
    )
    .build();
  return SwaggerModule.createDocument(app, options);
}

function setupSwagger(app: NestExpressApplication, config: AppConfig) {
  const document = buildOpenApiDocument(app, config);
  app.get(OpenApiDocumentStore).set(document); // also serves the GPT Action schema
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Passerelle API',
  });
}
