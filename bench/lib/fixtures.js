'use strict';
// What the benchmarks write through the API: a realistic 20-line renovation quote and GPT
// analyses (valid for CreateDevisDto and CreateAnalysisDto), and a JSON call that must answer
// an expected status. Shared by the scenarios and the soak.

/** [category, description, quantity, unit, unit price HT (cents), TVA %]: 20 lines. */
const DEVIS_LINES = [
  ['plomberie', 'Dépose et évacuation de l’ancienne baignoire en fonte', 1, 'forfait', 28000, 10],
  ['plomberie', 'Receveur de douche extra-plat 90 × 120 cm, fourniture et pose', 1, 'u', 64500, 10],
  ['plomberie', 'Mitigeur thermostatique de douche avec colonne', 1, 'u', 38900, 10],
  ['plomberie', 'Remplacement du ballon d’eau chaude 200 L thermodynamique', 1, 'u', 245000, 5.5],
  ['plomberie', 'Alimentation PER et évacuations PVC, reprise complète', 14.5, 'ml', 4200, 10],
  [
    'électricité',
    'Mise en conformité du tableau électrique (NF C 15-100)',
    1,
    'forfait',
    132000,
    10,
  ],
  ['électricité', 'Création de circuits prises et éclairage salle de bains', 3, 'u', 18500, 10],
  ['électricité', 'Sèche-serviettes électrique 750 W à inertie', 1, 'u', 42900, 10],
  ['électricité', 'Spots LED encastrés IP65, fourniture et pose', 6, 'u', 6500, 10],
  ['maçonnerie', 'Ouverture d’un mur porteur avec pose d’un IPN', 1, 'forfait', 385000, 10],
  ['maçonnerie', 'Chape de ravoirage et reprise du sol', 8.75, 'm²', 3800, 10],
  ['carrelage', 'Carrelage grès cérame 60 × 60 au sol, pose droite', 8.75, 'm²', 7200, 10],
  ['carrelage', 'Faïence murale 30 × 60, hauteur 2,10 m', 21.4, 'm²', 6800, 10],
  ['carrelage', 'Étanchéité sous carrelage (système SPEC) zone douche', 6.3, 'm²', 4500, 10],
  ['peinture', 'Peinture plafond, deux couches, finition mate', 8.75, 'm²', 2400, 10],
  ['peinture', 'Peinture murs hors faïence, impression et deux couches', 12.6, 'm²', 2600, 10],
  ['menuiserie', 'Porte intérieure postformée 83 cm avec huisserie', 1, 'u', 41000, 10],
  ['menuiserie', 'Fenêtre PVC double vitrage 60 × 95, Uw ≤ 1,3', 1, 'u', 89000, 5.5],
  ['isolation', 'Isolation des murs par l’intérieur, laine de verre 120 mm', 18.2, 'm²', 5900, 5.5],
  [
    'nettoyage',
    'Protection du chantier, nettoyage et évacuation des gravats',
    1,
    'forfait',
    45000,
    20,
  ],
];

/** A devis body for POST /api/devis with the 20 lines above. */
function devisBody(reference) {
  return {
    reference,
    title: 'Rénovation complète salle de bains et ouverture séjour',
    status: 'sent',
    company: { name: 'Rénov Habitat SARL', siret: '73282932000074' },
    client: { name: 'M. et Mme Martin', postcode: '69003', city: 'Lyon' },
    issueDate: '2025-03-14',
    validUntil: '2025-04-13',
    metadata: { source: 'bench', chantier: { etage: 2, ascenseur: false }, delaiSemaines: 6 },
    lines: DEVIS_LINES.map(
      ([category, description, quantity, unit, unitPriceHtCents, tvaRate]) => ({
        description,
        category,
        quantity,
        unit,
        unitPriceHtCents,
        tvaRate,
      }),
    ),
  };
}

/** The n-th analysis body for POST /api/gpt/analysis, with an idempotency key if given. */
function analysisBody(devisId, n, idempotencyKey) {
  const score = 58 + ((4 * n) % 40);
  return {
    devisId,
    gptScore: score,
    gptGrade: score >= 80 ? 'A' : score >= 65 ? 'B' : 'C',
    confidence: 60 + (n % 40),
    analysis: {
      summary: `Analyse ${n + 1} : devis détaillé, prix dans la moyenne lyonnaise ; décennale à vérifier.`,
      strengths: ['Lignes détaillées par corps de métier', 'TVA réduite correctement appliquée'],
      weaknesses: ['Ouverture du mur porteur sans note de calcul jointe'],
      priceAssessment: { verdict: 'fair', comment: 'Dans la fourchette du marché.' },
    },
    recommendations: [
      {
        type: 'assurance',
        priority: 'high',
        title: 'Attestation décennale',
        description: 'Exiger l’attestation d’assurance décennale en cours de validité.',
      },
      {
        type: 'technique',
        priority: 'medium',
        title: 'Note de calcul IPN',
        description: 'Demander la note de calcul du bureau d’études pour le mur porteur.',
      },
    ],
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

/** A JSON call; anything but `status` throws with the start of the answer. */
async function expectStatus(method, url, status, { token, body } = {}) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body && { 'content-type': 'application/json' }),
    },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== status) {
    throw new Error(
      `${method} ${url} answered ${res.status}, expected ${status}: ${text.slice(0, 500)}`,
    );
  }
  return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
}

const PASSWORD_PATTERN = /Password \(shown once, save it now\): (\S+)/;

/** A new user created with the CLI (`cli(args)` returns its output), logged in: its token. */
async function loginNewUser(cli, baseUrl, email, role) {
  const out = await cli(['user:create', '--email', email, '--role', role]);
  const password = PASSWORD_PATTERN.exec(out)?.[1];
  if (!password) throw new Error(`no password in the output of user:create:\n${out}`);
  const login = await expectStatus('POST', `${baseUrl}/api/auth/login`, 200, {
    body: { email, password },
  });
  return String(login.json().token);
}

/**
 * A staff user's devis (`reference`) with `analyses` analyses posted with the GPT `key`, as the
 * devis-reading scenarios read it; resolves the devis id.
 */
async function createDevisWithAnalyses(ctx, key, { reference, email, analyses }) {
  const base = ctx.server.baseUrl;
  const token = await loginNewUser(ctx.cli, base, email, 'staff');
  const created = await expectStatus('POST', `${base}/api/devis`, 201, {
    token,
    body: devisBody(reference),
  });
  const devisId = created.json().id;
  for (let i = 0; i < analyses; i++) {
    await expectStatus('POST', `${base}/api/gpt/analysis`, 201, {
      token: key,
      body: analysisBody(devisId, i),
    });
  }
  return devisId;
}

module.exports = {
  DEVIS_LINES,
  analysisBody,
  createDevisWithAnalyses,
  devisBody,
  expectStatus,
  loginNewUser,
};
