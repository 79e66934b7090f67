import { Controller, Get, Header, Headers, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../common/auth/auth.decorator';
import { LANGUAGES, pickLanguage, type Language } from '../common/http/language';
import { escapeHtml } from '../common/text';
import { CHAT_PAGE_TEXT } from './chat-page.text';

/**
 * The files of the support page, copied next to the compiled code by `nest build`
 * (nest-cli.json assets), so src/ (tests) and dist/ (production) serve the same thing.
 */
export const CHAT_PAGE_DIR = join(__dirname, 'page');

const read = (file: string) => readFileSync(join(CHAT_PAGE_DIR, file));

/** index.html with its `{{key}}` slots filled for one language (a missing key fails at boot). */
function renderChatPage(template: string, lang: Language): string {
  const text: Record<string, string> = {
    ...CHAT_PAGE_TEXT[lang],
    lang,
    otherLang: lang === 'fr' ? 'en' : 'fr',
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in text)) throw new Error(`chat page: no ${lang} text for {{${key}}}`);
    return escapeHtml(text[key]);
  });
}

/**
 * GET /support/chat: a plain HTML page, its script and stylesheet as separate files (the
 * helmet CSP allows no inline script). Read once at boot. The page speaks the visitor's
 * language like the OAuth consent page: `?lang=` (its switch), else Accept-Language, else
 * French; chat.js reads `<html lang>`.
 */
@ApiExcludeController()
@Public()
@Controller('support/chat')
export class ChatPageController {
  private readonly html = Object.fromEntries(
    LANGUAGES.map((lang) => [lang, renderChatPage(read('index.html').toString('utf8'), lang)]),
  ) as Record<Language, string>;
  private readonly script = read('chat.js');
  private readonly style = read('chat.css');

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Vary', 'Accept-Language')
  page(
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() res: Response,
  ) {
    res.send(this.html[pickLanguage(lang, acceptLanguage)]);
  }

  @Get('chat.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  scriptFile(@Res() res: Response) {
    res.send(this.script);
  }

  @Get('chat.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  styleFile(@Res() res: Response) {
    res.send(this.style);
  }
}
