import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser } from '../../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { ProviderModelsDto } from './llm-models.dto';
import { LlmModelsService } from './llm-models.service';

@ApiTags('llm chat')
@Auth('user')
@Controller('api/llm/models')
export class LlmModelsController {
  constructor(private readonly models: LlmModelsService) {}

  @Get()
  @ApiOperation({
    summary: 'Each provider’s default model, the models it offers, aliases and known prices',
  })
  @ApiOkResponse({ type: [ProviderModelsDto] })
  list(@CurrentUser() user: AuthenticatedUser): Promise<ProviderModelsDto[]> {
    return this.models.list(user);
  }
}
