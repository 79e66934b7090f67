import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import { UuidParam } from '../common/http/uuid-param';
import {
  CreateGptKeyDto,
  GptKeyResponseDto,
  IssuedGptKeyResponseDto,
  RotateGptKeyDto,
  UpdateGptKeyDto,
} from './dto/gpt-key.dto';
import { GPT_KEY_NOUN, GptKeysService } from './gpt-keys.service';

const KeyId = () => ApiParam({ name: 'id', format: 'uuid', description: 'GPT API key id' });

@ApiTags('gpt-keys (admin)')
@Auth('admin')
@ApiNotFoundResponse({ type: ErrorResponseDto })
@Controller('api/admin/gpt-keys')
export class GptKeysAdminController {
  constructor(private readonly keys: GptKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List GPT API keys (masked)' })
  @ApiOkResponse({ type: [GptKeyResponseDto] })
  async list(): Promise<GptKeyResponseDto[]> {
    return (await this.keys.list()).map(GptKeyResponseDto.from);
  }

  @Post()
  @ApiOperation({ summary: 'Create a key; the plaintext is in this response only' })
  @ApiCreatedResponse({ type: IssuedGptKeyResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async create(@Body() dto: CreateGptKeyDto, @CurrentUser() user: AuthenticatedUser) {
    const { key, plaintext } = await this.keys.create(dto, user.id);
    return { ...GptKeyResponseDto.from(key), key: plaintext } satisfies IssuedGptKeyResponseDto;
  }

  @Get(':id')
  @KeyId()
  @ApiOperation({ summary: 'One GPT API key' })
  @ApiOkResponse({ type: GptKeyResponseDto })
  async get(@UuidParam(GPT_KEY_NOUN) id: string): Promise<GptKeyResponseDto> {
    return GptKeyResponseDto.from(await this.keys.get(id));
  }

  @Patch(':id')
  @KeyId()
  @ApiOperation({
    summary: 'Change name, hourly limit, expiry or active flag (effective within 5 s)',
  })
  @ApiOkResponse({ type: GptKeyResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async update(
    @UuidParam(GPT_KEY_NOUN) id: string,
    @Body() dto: UpdateGptKeyDto,
  ): Promise<GptKeyResponseDto> {
    return GptKeyResponseDto.from(await this.keys.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @KeyId()
  @ApiOperation({ summary: 'Delete a key (it stops working within 5 s)' })
  @ApiNoContentResponse()
  async remove(@UuidParam(GPT_KEY_NOUN) id: string): Promise<void> {
    await this.keys.remove(id);
  }

  @Post(':id/rotate')
  @KeyId()
  @ApiOperation({
    summary: 'Issue a new key with the same settings; the old one stops after the grace period',
  })
  @ApiCreatedResponse({ type: IssuedGptKeyResponseDto })
  async rotate(@UuidParam(GPT_KEY_NOUN) id: string, @Body() dto: RotateGptKeyDto) {
    const { key, plaintext } = await this.keys.rotate(id, dto);
    return { ...GptKeyResponseDto.from(key), key: plaintext } satisfies IssuedGptKeyResponseDto;
  }
}
