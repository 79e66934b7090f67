import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, CurrentCaller } from '../common/auth/auth.decorator';
import type { AssistantCaller } from '../common/auth/principal';
import { GptAction } from '../gpt-schema/gpt-action.decorator';
import { GptMeResponseDto } from './dto/gpt-key.dto';

@ApiTags('gpt')
@Controller('api/gpt')
export class GptMeController {
  @Get('me')
  @Auth('gpt-key')
  @GptAction({
    operationId: 'getConnectionStatus',
    title: 'Check the connection',
    effect: 'read',
    summary:
      'Check the connection to Passerelle: which key is used and how many requests are left this hour.',
  })
  @ApiOkResponse({ type: GptMeResponseDto, description: 'Key name, hourly limit and what is left' })
  me(
    @CurrentCaller() caller: AssistantCaller,
    @Res({ passthrough: true }) res: Response,
  ): GptMeResponseDto {
    // The guard has just counted this request and set these headers.
    const window = {
      rateLimit: Number(res.getHeader('X-RateLimit-Limit')),
      remaining: Number(res.getHeader('X-RateLimit-Remaining')),
      resetInSeconds: Number(res.getHeader('X-RateLimit-Reset')),
    };
    if (caller.kind === 'oauth') {
      return {
        name: `${caller.user.name} via ${caller.clientName}`,
        keyPrefix: 'oauth',
        ...window,
        expiresAt: caller.expiresAt,
      };
    }
    const { key } = caller;
    return { name: key.name, keyPrefix: key.displayPrefix, ...window, expiresAt: key.expiresAt };
  }
}
