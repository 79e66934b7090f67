import { Logger } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type AdminJS from 'adminjs' with { 'resolution-mode': 'import' };
import type { AdminModuleOptions } from '@adminjs/nestjs' with { 'resolution-mode': 'import' };
import type { Application, NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleComponents } from './admin-bundle';
import type { AdminJsModules } from './adminjs-esm';

export interface PanelMountOptions {
  bundleDir: string;
  skipBundle: boolean;
}

export type PanelModuleOptions = AdminModuleOptions & { panel: PanelMountOptions };

/**
 * The back-office pages run inline scripts and styled-components styles; nothing is loaded
 * from elsewhere, so the panel works offline.
 */
const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const adminJsVersion = () =>
  (
    JSON.parse(readFileSync(join(dirname(require.resolve('adminjs')), 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** AdminJS's pages link Google Fonts: dropped, so the panel makes no request off the server. */
const withoutWebFonts = (html: string) =>
  html.replace(/<link[^>]+fonts\.googleapis\.com[^>]*>/g, '');

/** Runs `fn` with some variables set, synchronously (no other code can observe them). */
function withEnvSync<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const logger = new Logger('AdminPanel');

/**
 * Errors under /admin never reach Nest's filter: answer them here, without a stack trace.
 * AdminJS's ForbiddenError (an isAccessible rule said no) carries statusCode 403.
 */
function answerError(err: unknown, _req: Request, res: Response, next: NextFunction) {
  if (res.headersSent) return next(err);
  const status = (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) {
    const message = (err as { baseMessage?: string }).baseMessage ?? (err as Error).message;
    return res.status(status).json({ statusCode: status, error: (err as Error).name, message });
  }
  logger.error(`Back-office request failed: ${(err as Error).stack ?? String(err)}`);
  res
    .status(500)
    .json({ statusCode: 500, error: 'Internal Server Error', message: 'Internal error' });
}

/**
 * @adminjs/nestjs's ExpressLoader, plus what it leaves out: the components bundle is built
 * (or reused) before the server listens, assets are served with caching and without Express's
 * dot-folder refusal, admin pages get their own CSP, and the session middleware only ever
 * runs under /admin.
 */
export function createPanelLoader(lib: AdminJsModules) {
  const { ExpressLoader } = lib.nestjs;
  const assets = lib.adminjs.Router.assets;
  const version = adminJsVersion();

  return class PanelLoader extends ExpressLoader {
    override async register(
      admin: AdminJS,
      httpAdapter: AbstractHttpAdapter,
      options: AdminModuleOptions,
    ): Promise<void> {
      const { panel, auth, sessionOptions, formidableOptions } = options as PanelModuleOptions;
      const bundle = panel.skipBundle
        ? null
        : await bundleComponents(admin, lib.bundler, panel.bundleDir, version);

      const router = Router();
      router.use((_req: Request, res: Response, next: NextFunction) => {
        res.setHeader('Content-Security-Policy', ADMIN_CSP);
        res.setHeader('Cache-Control', 'no-store');
        const send = res.send.bind(res);
        res.send = (body?: unknown) =>
          send(
            typeof body === 'string' && /^\s*<!DOCTYPE/i.test(body) ? withoutWebFonts(body) : body,
          );
        next();
      });
      const sendAsset = (file: string | null) => (_req: Request, res: Response) => {
        if (!file) return res.status(404).end();
        res.sendFile(file, { dotfiles: 'allow', maxAge: '1h' });
      };
      router.get('/frontend/assets/components.bundle.js', sendAsset(bundle));
      for (const asset of assets) router.get(asset.path, sendAsset(asset.src));

      // AdminJS's initialize() would bundle again, unawaited, after listening: already done.
      const built = withEnvSync({ ADMIN_JS_SKIP_BUNDLE: 'true' }, () =>
        lib.express.default.buildAuthenticatedRouter(
          admin,
          auth!,
          router,
          sessionOptions,
          formidableOptions,
        ),
      );
      built.use(answerError);
      const app = httpAdapter.getInstance<Application>();
      app.use(
        options.adminJsOptions.rootPath ?? '/admin',
        function admin(req: Request, res: Response, next: NextFunction) {
          return built(req, res, next);
        },
      );
      // Ahead of the app's JSON/urlencoded parsers: AdminJS parses its own forms (formidable).
      (this as unknown as { reorderRoutes(app: Application): void }).reorderRoutes(app);
    }
  };
}
