import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { UuidParam } from '../../common/http/uuid-param';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentUser } from '../../common/auth/auth.decorator';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { ErrorResponseDto } from '../../common/errors/error-response.dto';
import { CreateTemplateDto, TemplateResponseDto, UpdateTemplateDto } from './template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('llm templates')
@Auth('user')
@ApiNotFoundResponse({ type: ErrorResponseDto })
@Controller('api/llm/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'Your prompt templates' })
  @ApiOkResponse({ type: [TemplateResponseDto] })
  async list(@CurrentUser() user: AuthenticatedUser) {
    return (await this.templates.list(user)).map(TemplateResponseDto.from);
  }

  @Post()
  @ApiOperation({ summary: 'Create a prompt template with {{variable}} placeholders' })
  @ApiCreatedResponse({ type: TemplateResponseDto })
  async create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateTemplateDto) {
    return TemplateResponseDto.from(await this.templates.create(user, dto));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your templates' })
  @ApiOkResponse({ type: TemplateResponseDto })
  async get(@CurrentUser() user: AuthenticatedUser, @UuidParam('Template') id: string) {
    return TemplateResponseDto.from(await this.templates.get(user, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a template' })
  @ApiOkResponse({ type: TemplateResponseDto })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam('Template') id: string,
    @Body() dto: UpdateTemplateDto,
  ) {
    return TemplateResponseDto.from(await this.templates.update(user, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a template' })
  @ApiNoContentResponse()
  async remove(@CurrentUser() user: AuthenticatedUser, @UuidParam('Template') id: string) {
    await this.templates.remove(user, id);
  }
}
