import type { OpenAPIObject } from '@nestjs/swagger';
import { collectRefs, toOpenApi31 } from '../gpt-schema/gpt-action-schema';

type Json = Record<string, unknown>;
export type JsonSchema = Json;

/** Which tool arguments go where in the HTTP request the route was written for. */
export interface ArgumentPlan {
  path: string[];
  query: string[];
  /** The body DTO's fields; unknown arguments go to the body too, where validation refuses them. */
  body: string[];
  hasBody: boolean;
}

export interface ToolSchemas {
  input: JsonSchema;
  output: JsonSchema;
  plan: ArgumentPlan;
}

const COMPONENTS = '#/components/schemas/';
const DEFS = '#/$defs/';
const NAMED_SCHEMAS = new Set(['properties', '$defs', 'patternProperties']);

/**
 * The MCP input and output schemas of one operation of the OpenAPI document /docs serves:
 * path and query parameters and the JSON body's fields become one flat object (a tool takes a
 * single object), the 2xx JSON response becomes the output schema. Both are JSON Schema
 * 2020-12 documents standing alone: components they use are copied under `$defs`, OpenAPI
 * 3.0 `nullable` and `example` become `type: [.., "null"]` and `examples`.
 */
export function toolSchemasFor(operation: Json, document: OpenAPIObject): ToolSchemas {
  const components = (document.components?.schemas ?? {}) as Record<string, Json>;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const plan: ArgumentPlan = { path: [], query: [], body: [], hasBody: false };
  const add = (name: string, schema: unknown, isRequired: boolean, where: string) => {
    if (name in properties) throw new Error(`argument "${name}" appears twice (${where})`);
    properties[name] = schema;
    if (isRequired) required.push(name);
  };

  for (const p of (operation.parameters as Json[] | undefined) ?? []) {
    if (p.in !== 'path' && p.in !== 'query') continue; // headers have a body field twin
    const name = String(p.name);
    const schema: Json = { ...(p.schema as Json) };
    if (p.description && !schema.description) schema.description = p.description;
    if (p.example !== undefined && schema.example === undefined) schema.example = p.example;
    add(name, schema, p.in === 'path' || p.required === true, `${String(p.in)} parameter`);
    plan[p.in].push(name);
  }

  const bodySchema = jsonContent(operation.requestBody);
  if (bodySchema) {
    plan.hasBody = true;
    const body = resolve(bodySchema, components);
    for (const [name, schema] of Object.entries((body.properties as Json | undefined) ?? {})) {
      add(name, schema, ((body.required as string[] | undefined) ?? []).includes(name), 'body');
      plan.body.push(name);
    }
  }

  const input: Json = { type: 'object', properties, additionalProperties: false };
  if (required.length) input.required = required;

  const responses = (operation.responses ?? {}) as Record<string, Json>;
  const success = Object.keys(responses)
    .filter((status) => /^2\d\d$/.test(status))
    .sort()
    .map((status) => jsonContent(responses[status]))
    .find(Boolean);
  if (!success) throw new Error('no 2xx JSON response to take the output schema from');
  const output = resolve(success, components);
  if (output.type !== 'object') throw new Error('the output schema must be an object');

  return {
    input: standalone(input, components),
    output: standalone(output, components),
    plan,
  };
}

function jsonContent(holder: unknown): Json | undefined {
  const content = (holder as { content?: Record<string, { schema?: Json }> } | undefined)?.content;
  return content?.['application/json']?.schema;
}

function resolve(schema: Json, components: Record<string, Json>): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const found = components[ref.slice(COMPONENTS.length)];
  if (!found) throw new Error(`unknown schema ${ref}`);
  return found;
}

function standalone(schema: Json, components: Record<string, Json>): Json {
  const used = [...collectRefs(schema, components)].sort();
  const doc: Json = { ...schema };
  if (used.length) doc.$defs = Object.fromEntries(used.map((n) => [n, components[n]]));
  return toJsonSchema(toOpenApi31(structuredClone(doc))) as Json;
}

/** OpenAPI-only spellings to JSON Schema 2020-12: `$ref` into `$defs`, `example` into `examples`. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (NAMED_SCHEMAS.has(k) && v && typeof v === 'object') {
      // Keys here are field names (a field may be called "example"), values are schemas.
      out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, toJsonSchema(s)]));
    } else if (k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENTS)) {
      out.$ref = DEFS + v.slice(COMPONENTS.length);
    } else if (k === 'example') {
      out.examples = [v];
    } else {
      out[k] = toJsonSchema(v);
    }
  }
  return out;
}
