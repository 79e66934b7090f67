import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../common/auth/auth.decorator';

/**
 * The files of the support page, copied next to the compiled code by `nest build`
 * (nest-cli.json assets), so src/ (tests) and dist/ (production) serve the same thing.
 */
export const CHAT_PAGE_DIR = join(__dirname, 'page');

const read = (file: string) => readFileSync(join(CHAT_PAGE_DIR, file));

/**
 * GET /support/chat: a plain HTML page, its script and stylesheet as separate files (the
 * helmet CSP allows no inline script). Read once at boot.
 */
@ApiExcludeController()
@Public()
@Controller('support/chat')
export class ChatPageController {
  private readonly html = read('index.html');
  private readonly script = read('chat.js');
  private readonly style = read('chat.css');

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(@Res() res: Response) {
    res.send(this.html);
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
