/**
 * The demonstration timesheets `npm run db:seed` loads: two people (role `user`), three
 * customers of a small web agency, their projects, phases and activities, the French kinds of
 * work, who is assigned where, and three weeks of entries up to today. Names are made up.
 */

export const SEED_KINDS = ['Développement', 'Réunion', 'Déplacement'] as const;
type Kind = (typeof SEED_KINDS)[number];

export const SEED_PEOPLE = [
  { key: 'claire', email: 'claire.moreau@example.com', name: 'Claire Moreau' },
  { key: 'hugo', email: 'hugo.bernard@example.com', name: 'Hugo Bernard' },
] as const;
type PersonKey = (typeof SEED_PEOPLE)[number]['key'];

export interface SeedProject {
  name: string;
  /** The kinds it allows (none listed: every kind). */
  kinds?: Kind[];
  phases: { name: string; activities: string[] }[];
  members: PersonKey[];
}

export const SEED_CUSTOMERS: { name: string; projects: SeedProject[] }[] = [
  {
    name: 'Boulangerie Lefèvre',
    projects: [
      {
        name: 'Site vitrine',
        kinds: ['Développement', 'Réunion'],
        phases: [
          { name: 'Conception', activities: ['Maquettes', 'Ateliers client'] },
          { name: 'Réalisation', activities: ['Intégration', 'Recette'] },
        ],
        members: ['claire'],
      },
    ],
  },
  {
    name: 'Mairie de Saint-Aubin',
    projects: [
      {
        name: 'Portail citoyen',
        phases: [
          { name: 'Cadrage', activities: ['Entretiens', 'Cahier des charges'] },
          { name: 'Réalisation', activities: ['API', 'Interface'] },
        ],
        members: ['claire', 'hugo'],
      },
    ],
  },
  {
    name: 'Transports Girard',
    projects: [
      {
        name: 'Application de suivi',
        phases: [{ name: 'Maintenance', activities: ['Corrections', 'Astreinte'] }],
        members: ['hugo'],
      },
    ],
  },
];

export interface SeedEntry {
  person: PersonKey;
  project: string;
  activity: string;
  kind: Kind;
  durationMinutes: number;
  comment?: string;
  billable?: boolean;
}

/** Weeks of entries before today's (each weekday up to today). */
export const SEED_WEEKS = 3;

/** A working day's entries, by weekday (1 = Monday … 5 = Friday). */
export function seedDay(weekday: number): SeedEntry[] {
  const claireMorning: SeedEntry =
    weekday <= 2
      ? {
          person: 'claire',
          project: 'Site vitrine',
          activity: 'Maquettes',
          kind: 'Développement',
          durationMinutes: 240,
          comment: 'Maquettes de la page d’accueil',
        }
      : {
          person: 'claire',
          project: 'Site vitrine',
          activity: 'Intégration',
          kind: 'Développement',
          durationMinutes: 210,
        };
  const entries: SeedEntry[] = [
    claireMorning,
    {
      person: 'claire',
      project: 'Portail citoyen',
      activity: 'Entretiens',
      kind: 'Réunion',
      durationMinutes: 90,
      comment: 'Entretiens avec le service État civil',
    },
    {
      person: 'hugo',
      project: 'Portail citoyen',
      activity: 'API',
      kind: 'Développement',
      durationMinutes: 300,
    },
    {
      person: 'hugo',
      project: 'Application de suivi',
      activity: 'Corrections',
      kind: 'Développement',
      durationMinutes: weekday === 5 ? 60 : 120,
    },
  ];
  if (weekday === 3) {
    entries.push({
      person: 'claire',
      project: 'Portail citoyen',
      activity: 'Entretiens',
      kind: 'Déplacement',
      durationMinutes: 60,
      comment: 'Trajet aller-retour à la mairie',
      billable: false,
    });
  }
  if (weekday === 1) {
    entries.push({
      person: 'hugo',
      project: 'Portail citoyen',
      activity: 'Cahier des charges',
      kind: 'Réunion',
      durationMinutes: 45,
      comment: 'Point hebdomadaire',
    });
  }
  return entries;
}
