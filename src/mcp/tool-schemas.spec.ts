import type { OpenAPIObject } from '@nestjs/swagger';
import { toolSchemasFor } from './tool-schemas';

const document = {
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {},
  components: {
    schemas: {
      NoteDto: {
        type: 'object',
        required: ['text'],
        properties: {
          text: { type: 'string', example: 'hello' },
          example: { type: 'string', nullable: true },
        },
      },
      OwnerDto: { type: 'object', properties: { name: { type: 'string' } } },
      NoteResponseDto: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          owner: { nullable: true, allOf: [{ $ref: '#/components/schemas/OwnerDto' }] },
        },
      },
    },
  },
} as unknown as OpenAPIObject;

const operation = (extra: Record<string, unknown> = {}) => ({
  operationId: 'createNote',
  parameters: [
    {
      name: 'id',
      in: 'path',
      required: true,
      description: 'Folder id',
      schema: { type: 'string' },
    },
    { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' } },
    { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } },
  ],
  requestBody: {
    content: { 'application/json': { schema: { $ref: '#/components/schemas/NoteDto' } } },
  },
  responses: {
    '201': {
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/NoteResponseDto' } },
      },
    },
    '400': { description: 'bad' },
  },
  ...extra,
});

describe(toolSchemasFor.name, () => {
  it('flattens path, query and body fields into one closed object, headers left out', () => {
    const sut = toolSchemasFor(operation(), document);
    expect(sut.input).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string', description: 'Folder id' },
        dryRun: { type: 'boolean' },
        text: { type: 'string', examples: ['hello'] },
        // A field called "example" stays a field; OpenAPI 3.0 nullable becomes a type array.
        example: { type: ['string', 'null'] },
      },
      required: ['id', 'text'],
      additionalProperties: false,
    });
    expect(sut.plan).toEqual({
      path: ['id'],
      query: ['dryRun'],
      body: ['text', 'example'],
      hasBody: true,
    });
  });

  it('takes the 2xx response as a standalone output schema with its refs under $defs', () => {
    const { output } = toolSchemasFor(operation(), document);
    expect(output).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string' },
        owner: { anyOf: [{ $ref: '#/$defs/OwnerDto' }, { type: 'null' }] },
      },
      $defs: { OwnerDto: { type: 'object', properties: { name: { type: 'string' } } } },
    });
  });

  it('refuses an operation it cannot serve as a tool', () => {
    const clash = operation({
      parameters: [{ name: 'text', in: 'query', schema: { type: 'string' } }],
    });
    expect(() => toolSchemasFor(clash, document)).toThrow('argument "text" appears twice');
    expect(() => toolSchemasFor(operation({ responses: { '204': {} } }), document)).toThrow(
      'no 2xx JSON response',
    );
  });
});
