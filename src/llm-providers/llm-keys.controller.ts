import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import {
  CreateLlmKeyDto,
  ListLlmKeysQueryDto,
  LlmKeyResponseDto,
  UpdateLlmKeyDto,
} from './dto/llm-key.dto';
import { LlmKeysService } from './llm-keys.service';

const KeyId = () => ApiParam({ name: 'id', format: 'uuid' });

@ApiTags('llm keys')
@Auth('user')
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such key among yours' })
@Controller('api/llm/keys')
export class LlmKeysController {
  constructor(private readonly keys: LlmKeysService) {}

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
  async get(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    return LlmKeyResponseDto.from(await this.keys.get(user, id));
  }

  @Patch(':id')
  @KeyId()
  @ApiOperation({ summary: 'Rename, replace, (de)activate, make default, set budget or metadata' })
  @ApiOkResponse({ type: LlmKeyResponseDto })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() dto: UpdateLlmKeyDto,
  ) {
    return LlmKeyResponseDto.from(await this.keys.update(user, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @KeyId()
  @ApiOperation({ summary: 'Delete one of your provider keys' })
  @ApiNoContentResponse()
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    await this.keys.remove(user, id);
  }
}
