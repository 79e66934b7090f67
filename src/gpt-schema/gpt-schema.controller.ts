import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'yaml';
import { Public } from '../common/auth/auth.decorator';
import { DomainException } from '../common/errors/domain.exception';
import { appConfig } from '../config';
import { buildGptActionSchema } from './gpt-action-schema';
import { OpenApiDocumentStore } from './openapi-document.store';

@ApiTags('gpt')
@Public()
@Controller('api/gpt')
export class GptSchemaController {
  private cached?: Record<string, unknown>;

  constructor(
    private readonly store: OpenApiDocumentStore,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  @Get('openapi')
  @ApiOperation({
    summary: 'The ChatGPT Action schema (OpenAPI 3.1.0): import this URL in the GPT builder',
  })
  @ApiOkResponse({ description: 'OpenAPI 3.1.0 document with only the GPT operations' })
  json() {
    return this.schema();
  }

  @Get('openapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiProduces('application/yaml')
  @ApiOperation({ summary: 'The same Action schema as YAML' })
  @ApiOkResponse({ description: 'OpenAPI 3.1.0 document as YAML' })
  yaml() {
    return stringify(this.schema());
  }

  private schema() {
    const full = this.store.get();
    if (!full)
      throw new DomainException('SERVICE_UNAVAILABLE', 'The API description is not built yet');
    this.cached ??= buildGptActionSchema(full, this.app.appUrl);
    return this.cached;
  }
}
