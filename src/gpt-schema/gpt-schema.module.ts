import { Global, Module } from '@nestjs/common';
import { GptSchemaController } from './gpt-schema.controller';
import { OpenApiDocumentStore } from './openapi-document.store';
import { PrivacyController } from './privacy.controller';

@Global()
@Module({
  controllers: [GptSchemaController, PrivacyController],
  providers: [OpenApiDocumentStore],
  exports: [OpenApiDocumentStore],
})
export class GptSchemaModule {}
