import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentUser } from '../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { OAuthGrantsService } from './oauth-grants.service';

/** The assistants a signed-in person allowed to act for them, and how to take that back. */
@ApiTags('oauth')
@Auth('user')
@Controller('api/oauth/grants')
export class OAuthGrantsController {
  constructor(private readonly grants: OAuthGrantsService) {}

  @Get()
  @ApiOperation({ summary: 'The assistants you allowed to act for you (OAuth grants)' })
  @ApiOkResponse({ description: 'Your grants: assistant (client), scopes, dates' })
  list(@CurrentUser() user: AuthenticatedUser) {
    return this.grants.list(user.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take an access back: the assistant signs you in again to continue' })
  @ApiNoContentResponse({ description: 'Revoked: its tokens stop working at once' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such grant of yours' })
  // Not @UuidParam: oidc-provider's grant ids are opaque tokens (nanoid), not UUIDs. The
  // service answers the same 404 for an unknown id as for someone else's.
  async revoke(@CurrentUser() user: AuthenticatedUser, @Param('id') grantId: string) {
    await this.grants.revoke(user, grantId);
  }
}
