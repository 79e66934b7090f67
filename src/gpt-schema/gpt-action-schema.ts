import type { OpenAPIObject } from '@nestjs/swagger';
import { GPT_KEY_SECURITY } from '../common/auth/auth.decorator';
import { GPT_ACTION_EXTENSION, PERSON_ACTION_EXTENSION } from './gpt-action.decorator';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** ChatGPT's documented limits for an imported Action schema. */
export const ACTION_LIMITS = { summary: 300, description: 300, parameterDescription: 700 };

/**
 * The ChatGPT Action schema: the operations marked @GptAction() taken from the same document
 * as /docs (but `person` ones: a GPT key acts for no person), as OpenAPI 3.1.0 (3.0-style `nullable` rewritten), one server (APP_URL), the GPT
 * key as the global Bearer scheme, and only the component schemas those operations use.
 * Throws if an operation breaks a limit ChatGPT enforces, so a bad schema never ships.
 */
export function buildGptActionSchema(full: OpenAPIObject, appUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const [path, item] of Object.entries(full.paths)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op?.[GPT_ACTION_EXTENSION] || op[PERSON_ACTION_EXTENSION]) continue;
      const { [GPT_ACTION_EXTENSION]: _marker, security: _security, tags: _tags, ...rest } = op;
      paths[path] = { ...(paths[path] ?? {}), [method]: rest };
    }
  }
  const schemas = (full.components?.schemas ?? {}) as Record<string, unknown>;
  const used = collectRefs(paths, schemas);
  const doc: Json = {
    openapi: '3.1.0',
    info: {
      title: 'Passerelle GPT Actions',
      description:
        'Read French renovation quotes (devis) and record their analysis. Amounts are euro cents; every error has a message to relay to the user.',
      version: full.info.version,
    },
    servers: [{ url: appUrl }],
    paths,
    components: {
      schemas: Object.fromEntries([...used].sort().map((name) => [name, schemas[name]])),
      securitySchemes: {
        [GPT_KEY_SECURITY]: {
          type: 'http',
          scheme: 'bearer',
          description: 'Passerelle GPT API key (torp_gpt_…)',
        },
      },
    },
    security: [{ [GPT_KEY_SECURITY]: [] }],
  };
  const result = toOpenApi31(structuredClone(doc)) as Json;
  checkActionLimits(result);
  return result;
}

export function collectRefs(root: unknown, schemas: Record<string, unknown>): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!found.has(name)) {
          found.add(name);
          visit(schemas[name]);
        }
      } else visit(v);
    }
  };
  visit(root);
  return found;
}

/** Rewrites OpenAPI 3.0 `nullable: true` into 3.1 JSON Schema (type arrays / anyOf null). */
export function toOpenApi31(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApi31);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = toOpenApi31(v);
  if (out.nullable === undefined) return out;
  const nullable = out.nullable === true;
  delete out.nullable;
  if (!nullable) return out;
  // A nullable nested DTO: Swagger writes `type: object, allOf: [$ref]`, where a type array
  // would still make null fail the referenced schema.
  const single = out.$ref
    ? { $ref: out.$ref }
    : Array.isArray(out.allOf) && out.allOf.length === 1
      ? out.allOf[0]
      : null;
  if (single) {
    delete out.$ref;
    delete out.allOf;
    delete out.type; // the referenced schema has it
    return { ...out, anyOf: [single, { type: 'null' }] };
  }
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function checkActionLimits(doc: Json) {
  const problems: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId)) {
        problems.push(`${where}: operationId must be camelCase`);
      }
      for (const field of ['summary', 'description'] as const) {
        const text = op[field];
        if (typeof text === 'string' && text.length > ACTION_LIMITS[field]) {
          problems.push(
            `${where}: ${field} is ${text.length} > ${ACTION_LIMITS[field]} characters`,
          );
        }
      }
      for (const p of (op.parameters as Json[] | undefined) ?? []) {
        const d = p.description;
        if (typeof d === 'string' && d.length > ACTION_LIMITS.parameterDescription) {
          problems.push(`${where}: parameter ${String(p.name)} description too long`);
        }
      }
    }
  }
  if (problems.length)
    throw new Error(`GPT Action schema breaks ChatGPT limits:\n${problems.join('\n')}`);
}
