import createClient from 'openapi-fetch';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { DevisService } from '../src/devis/devis.service';
import { SEED_FLOW_SOURCE, type SeedFlowModule } from './support/gpt-client/seed-flow';
import { ROOT } from './support/paths';
import { createGptKey, startTestApp, TestApp } from './support/test-app';

/**
 * The ChatGPT Action schema as the GPT builder imports it: its shape against ChatGPT's limits,
 * a real OpenAPI linter (Redocly), and a typed client generated from it (openapi-typescript +
 * openapi-fetch) that must type-check and run the GPT's whole flow against the app.
 */
describe('GPT Action schema (/api/gpt/openapi)', () => {
  const APP_URL = 'https://gpt.example.test';
  const REFERENCE = 'DEV-2025-0042';
  /** ChatGPT Actions cap what they exchange at 100,000 characters: keep the schema at half. */
  const MAX_SCHEMA_CHARS = 50_000;

  let t: TestApp;
  let raw: string;
  let doc: OpenApiDocument;
  let workDir: string;

  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { APP_URL } });
    const res = await fetch(`${t.url}/api/gpt/openapi`);
    expect(res.status).toBe(200);
    raw = await res.text();
    doc = JSON.parse(raw) as OpenApiDocument;
    workDir = mkdtempSync(join(tmpdir(), 'passerelle-gpt-schema-'));
  });
  afterAll(async () => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    await t?.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );

  describe('shape and ChatGPT limits', () => {
    it('is OpenAPI 3.1.0 with APP_URL as its only server and well under 100,000 characters', () => {
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.servers).toEqual([{ url: APP_URL }]);
      expect(doc.info.title).toEqual(expect.any(String));
      expect(raw.length).toBeLessThan(MAX_SCHEMA_CHARS);
    });

    it('holds exactly the five GPT operations, under stable camelCase operationIds', () => {
      const found = operations()
        .map(({ path, method, op }) => `${method.toUpperCase()} ${path} ${op.operationId}`)
        .sort();
      expect(found).toEqual(
        [
          'GET /api/gpt/me getConnectionStatus',
          'GET /api/gpt/devis findDevisByReference',
          'GET /api/gpt/devis/{id} getDevis',
          'GET /api/gpt/devis/{id}/analyses listDevisAnalyses',
          'POST /api/gpt/analysis createAnalysis',
        ].sort(),
      );
      for (const { op } of operations()) expect(op.operationId).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      for (const path of Object.keys(doc.paths)) {
        expect(path).toMatch(/^\/api\/gpt\//);
        expect(path).not.toMatch(/admin|staff|auth|health|stats|openapi|docs/);
      }
    });

    it('keeps summaries and descriptions ≤ 300 characters and parameter descriptions ≤ 700', () => {
      const tooLong: string[] = [];
      const check = (where: string, text: string | undefined, max: number) => {
        if (text !== undefined && (text.length === 0 || text.length > max)) {
          tooLong.push(`${where}: ${text.length} characters (1 to ${max})`);
        }
      };
      for (const { path, method, op } of operations()) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, summary: typeof op.summary }).toEqual({ where, summary: 'string' });
        check(`${where} summary`, op.summary, 300);
        check(`${where} description`, op.description, 300);
        for (const p of op.parameters ?? []) {
          check(`${where} parameter ${p.name}`, p.description, 700);
        }
      }
      expect(tooLong).toEqual([]);
    });

    it('applies the GPT key as one global Bearer scheme, with no per-operation override', () => {
      expect(doc.components.securitySchemes).toEqual({
        gptKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      });
      expect(doc.security).toEqual([{ gptKey: [] }]);
      for (const { op } of operations()) expect(op).not.toHaveProperty('security');
    });

    it('marks createAnalysis as not consequential, and no read as consequential', () => {
      const byId = Object.fromEntries(operations().map(({ op }) => [op.operationId, op]));
      expect(byId.createAnalysis['x-openai-isConsequential']).toBe(false);
      for (const { method, op } of operations()) {
        if (method === 'get') expect(op['x-openai-isConsequential']).not.toBe(true);
      }
      // The internal marker that selects the operations must not leak into the schema.
      expect(raw).not.toContain('x-passerelle-gpt-action');
    });

    it('uses 3.1 JSON Schema: no `nullable` keyword anywhere', () => {
      const nullablePaths = findKeys(doc, 'nullable');
      expect(nullablePaths).toEqual([]);
      // 3.0's `nullable` was rewritten into a type array or anyOf with null.
      expect(raw).toContain('"null"');
    });

    it('resolves every $ref to a component schema, and ships no unused schema', () => {
      const schemas = doc.components.schemas ?? {};
      const refs = findRefs(doc);
      expect(refs.length).toBeGreaterThan(0);
      const unresolved = refs.filter(
        (ref) =>
          !ref.startsWith('#/components/schemas/') ||
          !(ref.slice('#/components/schemas/'.length) in schemas),
      );
      expect(unresolved).toEqual([]);

      // Reachable from the operations, following refs through the schemas.
      const reachable = new Set<string>();
      const queue = findRefs(doc.paths);
      while (queue.length) {
        const name = queue.pop()!.slice('#/components/schemas/'.length);
        if (reachable.has(name)) continue;
        reachable.add(name);
        queue.push(...findRefs(schemas[name]));
      }
      expect(Object.keys(schemas).filter((name) => !reachable.has(name))).toEqual([]);
    });

    it('serves the same document as YAML at /api/gpt/openapi.yaml', async () => {
      const res = await fetch(`${t.url}/api/gpt/openapi.yaml`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
      expect(parseYaml(await res.text())).toEqual(doc);
    });

    // `nullable: true` without `type: String` makes Swagger reflect `Object` for a
    // `string | null` property: the GPT would read `type: [object, null]` for a SIRET.
    it('types nullable strings as ["string", "null"] (siret, postcode, city)', () => {
      const schemas = doc.components.schemas ?? {};
      const prop = (schema: string, name: string) =>
        (schemas[schema] as { properties: Record<string, { type?: unknown }> }).properties[name];
      expect(prop('CompanyDto', 'siret').type).toEqual(['string', 'null']);
      expect(prop('ClientDto', 'postcode').type).toEqual(['string', 'null']);
      expect(prop('ClientDto', 'city').type).toEqual(['string', 'null']);
    });
  });

  it('passes the Redocly OpenAPI linter (recommended rules): no error, no warning', async () => {
    const file = join(workDir, 'openapi.json');
    writeFileSync(file, raw);
    // ESM-only package: a native import() (module node16 keeps it), no network involved.
    const redocly = await import('@redocly/openapi-core');
    const problems = await withTimeout(
      (async () => {
        // A private API publishes no licence; every other recommended rule applies.
        const config = await redocly.createConfig({
          extends: ['recommended'],
          rules: { 'info-license': 'off', 'info-license-strict': 'off' },
        });
        return redocly.lint({ ref: file, config });
      })(),
      30_000,
      'redocly lint',
    );
    const describeProblem = (p: (typeof problems)[number]) =>
      `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`;
    expect(problems.map(describeProblem)).toEqual([]);
  }, 45_000);

  it('generates a typed client that type-checks and runs the GPT flow against the app', async () => {
    // 1. Types from the served document, as a client team would generate them. Its CommonJS
    // build require()s ESM-only packages, which jest's require cannot: load the ESM build.
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    const types = astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]));
    expect(types).toContain('getConnectionStatus');
    writeFileSync(join(workDir, 'gpt-api.ts'), types);
    const flowFile = join(workDir, 'seed-flow.ts');
    writeFileSync(flowFile, SEED_FLOW_SOURCE);

    // 2. The flow must compile against them: a breaking schema change fails here.
    expect(typeCheck([flowFile])).toEqual([]);

    // 3. The very same flow, run against the app with a real key and quote.
    writeFileSync(
      join(workDir, 'seed-flow.cjs'),
      ts.transpileModule(SEED_FLOW_SOURCE, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      }).outputText,
    );
    const flow = createRequire(__filename)(join(workDir, 'seed-flow.cjs')) as SeedFlowModule;

    const quote = await createQuote(t, REFERENCE);
    const { plaintext } = await createGptKey(t);
    const result = await flow.seedFlow(createClient, {
      baseUrl: t.url,
      key: plaintext,
      reference: REFERENCE,
    });

    expect(result.me.name).toBe('Test GPT');
    expect(result.found).toEqual(
      expect.objectContaining({ id: quote.id, reference: REFERENCE, lineCount: 2 }),
    );
    expect(result.byId.id).toBe(quote.id);
    expect(result.byId.totals.ttc.cents).toBe(quote.totalTtcCents);
    expect(result.created.status).toBe(201);
    expect(result.created.data).toEqual(
      expect.objectContaining({ devisId: quote.id, gptScore: 72, gptGrade: 'B', confidence: 80 }),
    );
    expect(result.analyses.devisReference).toBe(REFERENCE);
    expect(result.analyses.analyses.map((a) => a.id)).toEqual([result.created.data.id]);

    // The global security scheme is enforced: the same client without the key is refused.
    const anonymous = await flow.connectionStatusWithoutKey(createClient, t.url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.error).toEqual(expect.objectContaining({ statusCode: 401 }));
  }, 60_000);
});

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; description?: string }[];
  security?: unknown;
  [extension: `x-${string}`]: unknown;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas?: Record<string, unknown>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
  security?: Record<string, string[]>[];
}

/** JSON pointers of every property named `key` in the tree. */
function findKeys(node: unknown, key: string, at = '#'): string[] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => [
    ...(k === key ? [`${at}/${k}`] : []),
    ...findKeys(v, key, `${at}/${k}`),
  ]);
}

/** Every $ref value in the tree. */
function findRefs(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [v] : findRefs(v),
  );
}

/** Type-checks files with the repo's TypeScript (no emit); returns readable diagnostics. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    // The files live in a temp dir: point the one import at the repo's openapi-fetch.
    paths: { 'openapi-fetch': [join(ROOT, 'node_modules/openapi-fetch/dist/index.d.cts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1} ${text}`;
  });
}

function createQuote(t: TestApp, reference: string) {
  return t.get(DevisService).create({
    reference,
    title: 'Rénovation salle de bains',
    status: 'sent',
    company: { name: 'Rénov Habitat SARL', siret: '73282932000074' },
    client: { name: 'M. et Mme Martin', postcode: '69003', city: 'Lyon' },
    issueDate: '2025-03-14',
    validUntil: '2025-04-13',
    lines: [
      {
        description: 'Remplacement du ballon d’eau chaude 200 L (fourniture et pose)',
        category: 'plomberie',
        quantity: 1,
        unit: 'u',
        unitPriceHtCents: 145000,
        tvaRate: 10,
      },
      {
        description: 'Peinture des murs, deux couches',
        category: 'peinture',
        quantity: 12.5,
        unit: 'm²',
        unitPriceHtCents: 2500,
        tvaRate: 10,
      },
    ],
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
