import type createClient from 'openapi-fetch';

/**
 * What a Custom GPT does with Passerelle, written as a client team would write it against
 * types generated from /api/gpt/openapi. It is kept as source text because those types only
 * exist once the test has generated them: the test writes this next to `gpt-api.ts`,
 * type-checks both (so a breaking schema change fails), then runs the same code on the app.
 * openapi-fetch is passed in, so the compiled module needs no import at run time.
 */
export const SEED_FLOW_SOURCE = `
import type createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import type { components, paths } from './gpt-api';

type Schemas = components['schemas'];
type Grade = 'A' | 'B' | 'C' | 'D' | 'E';

function fail(step: string, status: number, error: { message?: string } | undefined): never {
  throw new Error(\`\${step} answered \${status}: \${error?.message ?? 'no body'}\`);
}

export async function seedFlow(
  create: typeof createClient,
  options: { baseUrl: string; key: string; reference: string },
) {
  const client = create<paths>({
    baseUrl: options.baseUrl,
    headers: { Authorization: \`Bearer \${options.key}\` },
  });

  const me = await client.GET('/api/gpt/me');
  if (!me.data) fail('getConnectionStatus', me.response.status, me.error);
  const remaining: number = me.data.remaining;

  const found = await client.GET('/api/gpt/devis', {
    params: { query: { reference: options.reference } },
  });
  if (!found.data) fail('findDevisByReference', found.response.status, found.error);
  const devisId: string = found.data.id;

  const byId = await client.GET('/api/gpt/devis/{id}', {
    params: { path: { id: devisId }, query: { linesOffset: 0, linesLimit: 50 } },
  });
  if (!byId.data) fail('getDevis', byId.response.status, byId.error);
  const ttcCents: number = byId.data.totals.ttc.cents;
  const lines: Schemas['DevisLineResponseDto'][] = byId.data.lines;
  const validUntil: string | null = byId.data.validUntil;

  const body: Schemas['CreateAnalysisDto'] = {
    devisId,
    gptScore: 72,
    gptGrade: 'B',
    confidence: 80,
    analysis: {
      summary: \`Devis de \${lines.length} lignes, \${ttcCents} centimes TTC, valable jusqu'au \${validUntil ?? '?'}.\`,
      strengths: ['Détail clair des postes'],
      weaknesses: ['Attestation décennale absente'],
    },
    recommendations: [
      {
        type: 'garanties',
        priority: 'high',
        title: 'Demander l’attestation décennale',
        description: 'Exiger l’attestation d’assurance décennale en cours de validité.',
      },
    ],
  };
  const created = await client.POST('/api/gpt/analysis', {
    body,
    params: { header: { 'Idempotency-Key': \`seed-\${devisId}\` } },
  });
  if (!created.data) fail('createAnalysis', created.response.status, created.error);
  const grade: Grade = created.data.gptGrade;

  const list = await client.GET('/api/gpt/devis/{id}/analyses', {
    params: { path: { id: devisId } },
  });
  if (!list.data) fail('listDevisAnalyses', list.response.status, list.error);
  const analyses: Schemas['AnalysisResponseDto'][] = list.data.analyses;

  return {
    me: { ...me.data, remaining },
    found: found.data,
    byId: byId.data,
    created: { status: created.response.status, data: { ...created.data, gptGrade: grade } },
    analyses: { devisReference: list.data.devisReference, analyses },
  };
}

export async function connectionStatusWithoutKey(create: typeof createClient, baseUrl: string) {
  const { error, response } = await create<paths>({ baseUrl }).GET('/api/gpt/me');
  return { status: response.status, error };
}

/** Never called: proves the generated types are strict rather than \`any\`. */
export function rejectsWhatTheSchemaForbids(client: Client<paths>) {
  // @ts-expect-error admin routes are not GPT Actions
  void client.GET('/api/admin/gpt-keys');
  // @ts-expect-error findDevisByReference requires the reference
  void client.GET('/api/gpt/devis', { params: { query: {} } });
  // @ts-expect-error grades are A to E
  const grade: Schemas['CreateAnalysisDto']['gptGrade'] = 'F';
  // @ts-expect-error recommendations are required
  const body: Schemas['CreateAnalysisDto'] = { devisId: 'x', gptScore: 1, gptGrade: grade, confidence: 1, analysis: { summary: 'x' } };
  return body;
}
`;

type Json = Record<string, unknown>;

/** The run-time shape of SEED_FLOW_SOURCE once compiled (its real types are generated). */
export interface SeedFlowModule {
  seedFlow(
    create: typeof createClient,
    options: { baseUrl: string; key: string; reference: string },
  ): Promise<{
    me: Json & { name: string; remaining: number };
    found: Json & { id: string };
    byId: Json & { id: string; totals: { ttc: { cents: number } } };
    created: { status: number; data: Json & { id: string } };
    analyses: { devisReference: string; analyses: (Json & { id: string })[] };
  }>;
  connectionStatusWithoutKey(
    create: typeof createClient,
    baseUrl: string,
  ): Promise<{ status: number; error: unknown }>;
}
