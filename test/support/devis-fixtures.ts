import type { CreateDevisDto } from '../../src/devis/dto/devis.dto';

let counter = 0;

/** A plausible bathroom renovation quote; totals: HT 2 990,00 €, TVA 299,00 €, TTC 3 289,00 €. */
export function devisBody(overrides: Partial<CreateDevisDto> = {}): CreateDevisDto {
  counter += 1;
  return {
    reference: `DEV-TEST-${process.pid}-${counter}`,
    title: 'Rénovation salle de bains',
    status: 'sent',
    company: { name: 'Rénov Habitat SARL', siret: '73282932000074' },
    client: { name: 'M. et Mme Martin', postcode: '69003', city: 'Lyon' },
    issueDate: '2025-03-14',
    validUntil: '2025-04-13',
    lines: [
      {
        description: 'Dépose baignoire et évacuation des gravats',
        category: 'plomberie',
        quantity: 1,
        unit: 'forfait',
        unitPriceHtCents: 45_000,
        tvaRate: 10,
      },
      {
        description: 'Receveur de douche extra-plat 90x120 posé',
        category: 'plomberie',
        quantity: 1,
        unit: 'u',
        unitPriceHtCents: 120_000,
        tvaRate: 10,
      },
      {
        description: 'Faïence murale 20x60 fournie posée',
        category: 'carrelage',
        quantity: 12.5,
        unit: 'm²',
        unitPriceHtCents: 10_000,
        tvaRate: 10,
      },
    ],
    ...overrides,
  };
}

/** The seed's analysis body. */
export function analysisBody(devisId: string, overrides: Record<string, unknown> = {}) {
  return {
    devisId,
    gptScore: 72,
    gptGrade: 'B',
    confidence: 80,
    analysis: {
      summary: 'Devis clair et détaillé ; prix dans la moyenne, attestation décennale à demander.',
      strengths: ['Postes détaillés'],
      weaknesses: ['Assurance décennale non mentionnée'],
      priceAssessment: { verdict: 'fair', comment: 'Prix cohérents pour Lyon.' },
    },
    recommendations: [
      {
        type: 'garanties',
        priority: 'high',
        title: 'Demander l’attestation décennale',
        description:
          'Exiger l’attestation d’assurance décennale en cours de validité avant de signer.',
      },
    ],
    ...overrides,
  };
}
