import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { Public } from '../common/auth/auth.decorator';
import { DomainException } from '../common/errors/domain.exception';
import { pickLanguage } from '../common/http/language';
import { LoginRateLimit } from '../common/rate-limit/rate-limit.decorator';
import { UsersService } from '../users/users.service';
import { consentPage, expiredPage, loginPage } from './consent-page';
import { INTERACTION_PATH, type InteractionDetails, OAuthServer } from './oauth-server';

/**
 * The sign-in and consent pages of the OAuth flow (plain HTML, French or English): a person
 * signs in with their Passerelle account, sees which assistant asks for which scopes, allows
 * or denies. The provider's interaction cookie ties each POST to the page it came from; an
 * expired or unknown interaction changes nothing and shows the provider's error page.
 */
@ApiExcludeController()
@Public()
@Controller(INTERACTION_PATH.slice(1))
export class OAuthInteractionController {
  constructor(
    private readonly oauth: OAuthServer,
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Get(':uid')
  show(
    @Req() req: Request,
    @Res() res: Response,
    @Query('lang') lang: unknown,
    @Headers('accept-language') accept?: string,
  ): Promise<void> {
    return this.step(req, res, lang, accept, () => this.render(req, res, lang, accept));
  }

  private async render(req: Request, res: Response, lang: unknown, accept?: string) {
    const details = await this.oauth.interactionDetails(req, res);
    const language = this.language(req, res, lang, accept);
    const client = await this.clientName(details, res);
    if (details.prompt.name === 'login') {
      this.html(res, 200, loginPage(language, { uid: details.uid, client }));
      return;
    }
    const user = details.session?.accountId
      ? await this.users.findById(details.session.accountId)
      : null;
    const missing = (details.prompt.details.missingResourceScopes ?? {}) as Record<
      string,
      string[]
    >;
    this.html(
      res,
      200,
      consentPage(language, {
        uid: details.uid,
        client,
        email: user?.email ?? '',
        scopes: [...new Set(Object.values(missing).flat())],
      }),
    );
  }

  @Post(':uid/login')
  @HttpCode(200)
  @LoginRateLimit()
  login(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { email?: unknown; password?: unknown },
    @Query('lang') lang: unknown,
    @Headers('accept-language') accept?: string,
  ): Promise<void> {
    return this.step(req, res, lang, accept, () => this.signIn(req, res, body, lang, accept));
  }

  private async signIn(
    req: Request,
    res: Response,
    body: { email?: unknown; password?: unknown },
    lang: unknown,
    accept?: string,
  ) {
    const details = await this.oauth.interactionDetails(req, res);
    if (details.prompt.name !== 'login') throw badStep();
    const email = typeof body?.email === 'string' ? body.email.slice(0, 254) : '';
    const password = typeof body?.password === 'string' ? body.password.slice(0, 1024) : '';
    try {
      const user = await this.auth.verifyCredentials(email, password);
      await this.oauth.finishInteraction(req, res, { login: { accountId: user.id } }, false);
    } catch (err) {
      if (!(err instanceof DomainException) || err.code !== 'INVALID_CREDENTIALS') throw err;
      const client = await this.clientName(details, res);
      const page = loginPage(this.language(req, res, lang, accept), {
        uid: details.uid,
        client,
        email,
        failed: true,
      });
      this.html(res, 401, page);
    }
  }

  @Post(':uid/confirm')
  confirm(
    @Req() req: Request,
    @Res() res: Response,
    @Query('lang') lang: unknown,
    @Headers('accept-language') accept?: string,
  ): Promise<void> {
    return this.step(req, res, lang, accept, async () => {
      const details = await this.oauth.interactionDetails(req, res);
      const accountId = details.session?.accountId;
      if (details.prompt.name !== 'consent' || !accountId) throw badStep();
      const grantId = await this.oauth.grantConsent(details, accountId);
      const consent = details.grantId ? {} : { grantId };
      await this.oauth.finishInteraction(req, res, { consent }, true);
    });
  }

  @Post(':uid/abort')
  abort(
    @Req() req: Request,
    @Res() res: Response,
    @Query('lang') lang: unknown,
    @Headers('accept-language') accept?: string,
  ): Promise<void> {
    return this.step(req, res, lang, accept, async () => {
      await this.oauth.interactionDetails(req, res);
      await this.oauth.finishInteraction(
        req,
        res,
        { error: 'access_denied', error_description: 'The person denied the access' },
        false,
      );
    });
  }

  /**
   * Runs one step of the flow; an interaction the provider does not know (expired, finished,
   * its cookie missing) gets a page saying so, with the provider's 4xx status: nothing changed.
   */
  private async step(
    req: Request,
    res: Response,
    lang: unknown,
    accept: string | undefined,
    run: () => Promise<void>,
  ): Promise<void> {
    try {
      await run();
    } catch (err) {
      const status = (err as { status?: unknown; expose?: unknown }).status;
      if (
        typeof status !== 'number' ||
        status >= 500 ||
        (err as { expose?: unknown }).expose !== true
      ) {
        throw err;
      }
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      this.html(
        res,
        status,
        expiredPage(this.language(req, res, lang, accept), String(req.params.uid ?? '')),
      );
    }
  }

  /** The client's name; the form may go back to its redirect URIs (CSP form-action). */
  private async clientName(details: InteractionDetails, res: Response): Promise<string> {
    const client = await this.oauth.clientOf(String(details.params.client_id));
    const origins = new Set<string>();
    for (const uri of client?.redirectUris ?? []) {
      try {
        const { protocol, host } = new URL(uri);
        // Custom schemes (native apps) have no host: a form may still be redirected there.
        origins.add(host ? `${protocol}//${host}` : protocol);
      } catch {
        // a registered URI is always a URL; nothing to allow otherwise
      }
    }
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'self' ${[...origins].join(' ')}`,
    );
    return client?.name ?? String(details.params.client_id);
  }

  /**
   * The page's language: the switch (`?lang=`) is remembered for the rest of the sign-in in a
   * cookie, since the provider's redirects between the pages drop the query; else the
   * browser's Accept-Language; else French.
   */
  private language(req: Request, res: Response, lang: unknown, accept?: string) {
    if (lang === 'fr' || lang === 'en') {
      res.append(
        'Set-Cookie',
        `${LANG_COOKIE}=${lang}; Path=/oauth; Max-Age=3600; SameSite=Lax; HttpOnly`,
      );
      return lang;
    }
    const remembered = new RegExp(`(?:^|;\\s*)${LANG_COOKIE}=(fr|en)(?:;|$)`).exec(
      req.headers.cookie ?? '',
    )?.[1];
    return pickLanguage(remembered, accept);
  }

  private html(res: Response, status: number, page: string) {
    res.status(status).setHeader('Cache-Control', 'no-store').type('html').send(page);
  }
}

const LANG_COOKIE = 'passerelle_lang';

const badStep = () =>
  new DomainException('BAD_REQUEST', 'This step of the sign-in is not the current one');
