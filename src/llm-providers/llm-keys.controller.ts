import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { UuidParam } from '../common/http/uuid-param';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentUser } from '../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import {
  CreateLlmKeyDto,
  ListLlmKeysQueryDto,
  LlmKeyResponseDto,
  LlmKeyTestResultDto,
  TestLlmKeyDto,
  UpdateLlmKeyDto,
} from './dto/llm-key.dto';
import { LlmKeyTestService } from './llm-key-test.service';
import { LlmKeysService } from './llm-keys.service';

const KeyId = () => ApiParam({ name: 'id', format: 'uuid' });

@ApiTags('llm keys')
@Auth('user')
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such key among yours' })
@Controller('api/llm/keys')
export class LlmKeysController {
  constructor(
    private readonly keys: LlmKeysService,
    private readonly tester: LlmKeyTestService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your provider keys (admins: everyone’s), without the keys themselves' })
  @ApiOkResponse({ type: [LlmKeyResponseDto] })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() q: ListLlmKeysQueryDto) {
    return (await this.keys.list(user, q.userId)).map(LlmKeyResponseDto.from);
  }

  @Post()
  @ApiOperation({
    summary: 'Store a provider key, encrypted; the first per provider becomes the default',
  })
  @ApiCreatedResponse({ type: LlmKeyResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateLlmKeyDto) {
    return LlmKeyResponseDto.from(await this.keys.create(user, dto));
  }

  @Get(':id')
  @KeyId()
  @ApiOperation({ summary: 'One of your provider keys' })
  @ApiOkResponse({ type: LlmKeyResponseDto })
  async get(@CurrentUser() user: AuthenticatedUser, @UuidParam('LLM API key') id: string) {
    return LlmKeyResponseDto.from(await this.keys.get(user, id));
  }

  @Patch(':id')
  @KeyId()
  @ApiOperation({ summary: 'Rename, replace, (de)activate, make default, set budget or metadata' })
  @ApiOkResponse({ type: LlmKeyResponseDto })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam('LLM API key') id: string,
    @Body() dto: UpdateLlmKeyDto,
  ) {
    return LlmKeyResponseDto.from(await this.keys.update(user, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @KeyId()
  @ApiOperation({ summary: 'Delete one of your provider keys' })
  @ApiNoContentResponse()
  async remove(@CurrentUser() user: AuthenticatedUser, @UuidParam('LLM API key') id: string) {
    await this.keys.remove(user, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @KeyId()
  @ApiOperation({
    summary: 'Check a key with one minimal real call (1 output token, no retry)',
    description:
      'Always 200 when the test ran: `ok` says whether the provider accepted the key. A failure ' +
      'is reported with our own code and message (401/403 → PROVIDER_KEY_REJECTED, 429 → ' +
      'PROVIDER_RATE_LIMITED, 5xx or network → PROVIDER_ERROR, no answer within min(LLM_TIMEOUT_MS, ' +
      '15 s) → PROVIDER_TIMEOUT), never the provider’s body. The call is logged in ' +
      'llm_usage_logs (it costs a few tokens) and is not refused by the monthly budget.',
  })
  @ApiBody({ type: TestLlmKeyDto, required: false })
  @ApiOkResponse({
    type: LlmKeyTestResultDto,
    examples: {
      accepted: {
        summary: 'The provider answered',
        value: { ok: true, provider: 'openai', model: 'gpt-4o-mini', latencyMs: 412 },
      },
      rejected: {
        summary: 'The provider refused the key',
        value: {
          ok: false,
          provider: 'openai',
          model: 'gpt-4o-mini',
          latencyMs: 95,
          error: {
            code: 'PROVIDER_KEY_REJECTED',
            message: 'openai rejected the key (HTTP 401): check or replace it',
          },
        },
      },
    },
  })
  test(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam('LLM API key') id: string,
    @Body() dto: TestLlmKeyDto,
  ): Promise<LlmKeyTestResultDto> {
    return this.tester.test(user, id, dto);
  }
}
