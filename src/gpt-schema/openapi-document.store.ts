import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document built once at start-up (configureApp), shared by /docs and /api/gpt/openapi. */
@Injectable()
export class OpenApiDocumentStore {
  private document?: OpenAPIObject;

  set(document: OpenAPIObject) {
    this.document = document;
  }

  get(): OpenAPIObject | undefined {
    return this.document;
  }
}
