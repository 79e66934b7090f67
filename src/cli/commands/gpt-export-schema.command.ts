import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Command } from 'nest-commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppModule } from '../../app.module';
import { loadAppConfig } from '../../config/app.config';
import { buildOpenApiDocument } from '../../configure-app';
import { buildGptActionSchema } from '../../gpt-schema/gpt-action-schema';
import { CliCommand } from '../cli-command';

export const DEFAULT_SCHEMA_FILE = 'public/gpt-openapi-schema.json';

@Command({
  name: 'gpt:export-schema',
  arguments: '[file]',
  description: `Write the GPT Action schema (for APP_URL) to a file, default ${DEFAULT_SCHEMA_FILE}`,
})
export class GptExportSchemaCommand extends CliCommand {
  protected async execute([file = DEFAULT_SCHEMA_FILE]: string[]) {
    // Preview mode reads the routes and decorators without connecting to anything.
    const app = await NestFactory.create<NestExpressApplication>(AppModule, {
      preview: true,
      logger: false,
    });
    try {
      const config = loadAppConfig();
      const schema = buildGptActionSchema(buildOpenApiDocument(app, config), config.appUrl);
      const path = resolve(file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(schema, null, 2) + '\n');
      const operations = Object.values(schema.paths as object).flatMap((p) =>
        Object.keys(p),
      ).length;
      this.print(`Wrote ${path}: ${operations} GPT operations, server ${config.appUrl}`);
    } finally {
      await app.close();
    }
  }
}

/** Needs no database: run without the CLI's data source. */
@Module({ providers: [GptExportSchemaCommand] })
export class SchemaCliModule {}
