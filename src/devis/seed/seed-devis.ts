import type { CreateDevisDto, DevisLineInputDto } from '../dto/devis.dto';

/**
 * Demonstration quotes loaded by `npm run db:seed`: French renovation work of 2025, amounts in
 * euro cents excluding tax. Companies, people and SIRET numbers are made up (the SIRETs only
 * pass the checksum). TVA: 10 % for renovating housing over 2 years old, 5.5 % for
 * energy-efficiency work (insulation, efficient windows, heat pump), 20 % otherwise.
 *
 * Three quotes are flawed on purpose, for trying the GPT; `metadata.seedNote` says how:
 * DEV-2025-0005 (a price far above the market), DEV-2025-0009 (mandatory mentions missing),
 * and DEV-2025-0011 is the long one (a full renovation, more than 20 lines).
 */

/** Marks a devis as written by the seed: `--reset` deletes only these. */
export const SEED_SOURCE = 'seed';

/** The reference the docs use as the example ("Analyse le devis DEV-2025-0042"). */
export const SEED_EXAMPLE_REFERENCE = 'DEV-2025-0042';

function line(
  category: string,
  description: string,
  quantity: number,
  unit: string,
  unitPriceHtCents: number,
  tvaRate: number,
): DevisLineInputDto {
  return { category, description, quantity, unit, unitPriceHtCents, tvaRate };
}

/** The mentions a French quote should carry besides its header, kept as free metadata. */
function mentions(assuranceDecennale: string, conditionsPaiement: string, delaiExecution: string) {
  return { source: SEED_SOURCE, assuranceDecennale, conditionsPaiement, delaiExecution };
}

const ACOMPTE_30 = '30 % d’acompte à la signature, solde à la réception des travaux';

// One row per devis line, kept as a table: prettier would split each call over eight lines.
// prettier-ignore
export const SEED_DEVIS: CreateDevisDto[] = [
  {
    reference: 'DEV-2025-0001',
    title: 'Remplacement du chauffe-eau et pose d’un WC suspendu',
    status: 'accepted',
    company: { name: 'Plomberie Durand & Fils SARL', siret: '52150644400087' },
    client: { name: 'Mme Sophie Lefèvre', postcode: '33000', city: 'Bordeaux' },
    issueDate: '2025-01-13',
    validUntil: '2025-02-12',
    metadata: mentions(
      'MAAF Pro, contrat n° 124 578 963, France métropolitaine',
      ACOMPTE_30,
      '2 jours, début sous 3 semaines',
    ),
    lines: [
      line('plomberie', 'Dépose et évacuation de l’ancien chauffe-eau 150 L', 1, 'forfait', 15_000, 10),
      line('plomberie', 'Chauffe-eau électrique 200 L vertical mural, résistance stéatite, fourniture et pose', 1, 'u', 98_000, 10),
      line('plomberie', 'Groupe de sécurité, siphon et raccords diélectriques', 1, 'u', 6_500, 10),
      line('plomberie', 'Dépose du WC au sol existant', 1, 'forfait', 9_000, 10),
      line('plomberie', 'Bâti-support autoportant, cuvette suspendue sans bride et plaque de commande', 1, 'u', 89_000, 10),
      line('plomberie', 'Alimentation et évacuation en PER et PVC Ø 100', 6, 'ml', 2_800, 10),
      line('plâtrerie', 'Coffrage du bâti en plaque hydrofuge BA13', 1.8, 'm²', 6_500, 10),
    ],
  },
  {
    reference: 'DEV-2025-0002',
    title: 'Mise en conformité de l’installation électrique (NF C 15-100)',
    status: 'sent',
    company: { name: 'Volt Services Occitanie SARL', siret: '78079872400057' },
    client: { name: 'M. Julien Moreau', postcode: '31400', city: 'Toulouse' },
    issueDate: '2025-01-27',
    validUntil: '2025-03-28',
    metadata: mentions(
      'AXA France, police n° 10 457 882 104',
      '40 % à la commande, 60 % à la fin des travaux, paiement à 30 jours',
      '5 jours ouvrés',
    ),
    lines: [
      line('électricité', 'Tableau électrique 3 rangées pré-équipé, interrupteurs différentiels 30 mA type A et AC, disjoncteurs divisionnaires', 1, 'u', 135_000, 10),
      line('électricité', 'Remplacement des prises 2P+T avec boîtes d’encastrement', 14, 'u', 6_800, 10),
      line('électricité', 'Points lumineux DCL avec interrupteur va-et-vient', 8, 'u', 9_500, 10),
      line('électricité', 'Liaison équipotentielle de la salle de bains', 1, 'forfait', 18_000, 10),
      line('électricité', 'Prise de terre : piquet, barrette de coupure et conducteur 25 mm²', 1, 'u', 32_000, 10),
      line('maçonnerie', 'Saignées, passage des gaines et rebouchage au plâtre', 25, 'ml', 1_800, 10),
      line('électricité', 'Dépose de l’ancien tableau et des anciens appareillages', 6, 'h', 5_200, 10),
      line('électricité', 'Attestation de conformité Consuel (visa)', 1, 'forfait', 18_000, 20),
    ],
  },
  {
    reference: 'DEV-2025-0003',
    title: 'Ouverture d’un mur porteur entre cuisine et séjour',
    status: 'accepted',
    company: { name: 'Maçonnerie Gomez SAS', siret: '76305408700039' },
    client: { name: 'M. Karim Benali', postcode: '13005', city: 'Marseille' },
    issueDate: '2025-02-10',
    validUntil: '2025-05-11',
    metadata: mentions(
      'SMABTP, attestation n° 2025-71-448 512',
      '30 % à la commande, 40 % à la pose de la poutre, solde à la réception',
      '2 semaines',
    ),
    lines: [
      line('maçonnerie', 'Étude de structure par un bureau d’études (note de calcul)', 1, 'forfait', 85_000, 20),
      line('maçonnerie', 'Étaiement provisoire du plancher haut', 1, 'forfait', 65_000, 10),
      line('maçonnerie', 'Démolition du mur porteur en moellons (ouverture 3,00 × 2,20 m)', 6.6, 'm²', 18_000, 10),
      line('maçonnerie', 'Poutre acier IPE 220, fourniture et pose avec calage', 3.6, 'ml', 14_500, 10),
      line('maçonnerie', 'Sommiers en béton armé coulés en place', 2, 'u', 38_000, 10),
      line('maçonnerie', 'Habillage de la poutre en plaque coupe-feu', 3.6, 'ml', 6_500, 10),
      line('maçonnerie', 'Évacuation des gravats en benne et mise en décharge', 1, 'forfait', 42_000, 10),
    ],
  },
  {
    reference: 'DEV-2025-0004',
    title: 'Peinture du séjour, du couloir et de deux chambres',
    status: 'rejected',
    company: { name: 'Atelier Peinture Lemaire', siret: '60860416100067' },
    client: { name: 'Mme Claire Dubois', postcode: '67000', city: 'Strasbourg' },
    issueDate: '2025-02-24',
    validUntil: '2025-03-26',
    metadata: mentions(
      'MMA Entreprise, contrat n° 3 548 219',
      'Solde à la fin du chantier, sans acompte',
      '8 jours ouvrés',
    ),
    lines: [
      line('peinture', 'Protection des sols et du mobilier', 1, 'forfait', 18_000, 10),
      line('peinture', 'Lessivage et ponçage des murs', 142, 'm²', 650, 10),
      line('peinture', 'Rebouchage et ratissage à l’enduit', 142, 'm²', 980, 10),
      line('peinture', 'Peinture des murs, impression et 2 couches acrylique mate', 142, 'm²', 1_850, 10),
      line('peinture', 'Peinture des plafonds, 2 couches mat velouté', 58, 'm²', 2_100, 10),
      line('peinture', 'Laquage des portes intérieures, 2 faces', 7, 'u', 8_500, 10),
      line('peinture', 'Nettoyage de fin de chantier', 1, 'forfait', 15_000, 10),
    ],
  },
  {
    reference: 'DEV-2025-0005',
    title: 'Création d’une douche à l’italienne',
    status: 'sent',
    company: { name: 'Bains & Sanitaires Provence SARL', siret: '57413632100068' },
    client: { name: 'M. Thomas Roux', postcode: '06000', city: 'Nice' },
    issueDate: '2025-03-03',
    validUntil: '2025-05-02',
    metadata: {
      ...mentions('Allianz, police n° 58 741 236', ACOMPTE_30, '1 semaine'),
      seedNote:
        'prix suspect : ligne 5, mitigeur thermostatique de douche facturé 2 400 € HT posé, ' +
        'environ 7 fois le prix du marché (250 à 400 € HT posé)',
    },
    lines: [
      line('plomberie', 'Dépose de la baignoire et évacuation', 1, 'forfait', 28_000, 10),
      line('plomberie', 'Receveur extra-plat à carreler avec siphon de sol et pente intégrée', 1, 'u', 68_000, 10),
      line('carrelage', 'Système d’étanchéité liquide sous carrelage (SPEC)', 6.5, 'm²', 4_500, 10),
      line('carrelage', 'Faïence murale 30 × 60, fourniture et pose collée', 9.5, 'm²', 9_800, 10),
      line('plomberie', 'Mitigeur thermostatique de douche avec colonne, fourniture et pose', 1, 'u', 240_000, 10),
      line('plomberie', 'Paroi de douche fixe en verre trempé 8 mm, 120 cm', 1, 'u', 52_000, 10),
      line('électricité', 'Déplacement d’un point lumineux et spot IP65', 1, 'u', 16_500, 10),
    ],
  },
  {
    reference: 'DEV-2025-0006',
    title: 'Remplacement des fenêtres par du PVC double vitrage',
    status: 'accepted',
    company: { name: 'Menuiseries de l’Erdre SARL', siret: '72509760400013' },
    client: { name: 'Mme Nathalie Garnier', postcode: '44000', city: 'Nantes' },
    issueDate: '2025-03-20',
    validUntil: '2025-06-18',
    metadata: {
      ...mentions(
        'SMABTP, attestation n° 2025-44-120 337',
        ACOMPTE_30,
        '6 semaines (fabrication) puis 2 jours de pose',
      ),
      performances: 'Uw = 1,2 W/m².K, Sw = 0,42 (éligibles à la TVA à 5,5 %)',
      certification: 'RGE Qualibat 3512',
    },
    lines: [
      line('menuiserie', 'Fenêtre PVC 2 vantaux 125 × 100, double vitrage 4/20/4 argon, Uw 1,2', 4, 'u', 78_000, 5.5),
      line('menuiserie', 'Porte-fenêtre PVC 2 vantaux 215 × 140, seuil PMR', 1, 'u', 145_000, 5.5),
      line('menuiserie', 'Fenêtre oscillo-battante de salle de bains, vitrage dépoli 60 × 80', 1, 'u', 52_000, 5.5),
      line('menuiserie', 'Dépose des anciennes menuiseries bois et évacuation', 6, 'u', 6_000, 5.5),
      line('menuiserie', 'Habillage extérieur en aluminium laqué', 32, 'ml', 2_200, 5.5),
      line('menuiserie', 'Volets roulants électriques en aluminium, pose en rénovation', 2, 'u', 69_000, 10),
    ],
  },
  {
    reference: 'DEV-2025-0007',
    title: 'Réfection de la couverture en tuiles et de la zinguerie',
    status: 'expired',
    company: { name: 'Toitures de Bourgogne SARL', siret: '23044480400036' },
    client: { name: 'Mme Isabelle Fontaine', postcode: '21000', city: 'Dijon' },
    issueDate: '2025-04-07',
    validUntil: '2025-05-07',
    metadata: mentions(
      'Groupama, contrat n° 41 002 587 Z',
      '30 % à la commande, 40 % à mi-chantier, solde à la réception',
      '3 semaines selon météo',
    ),
    lines: [
      line('couverture', 'Échafaudage de pied avec garde-corps, montage, location 3 semaines et démontage', 1, 'forfait', 220_000, 10),
      line('couverture', 'Dépose des tuiles et des liteaux existants, évacuation en décharge', 96, 'm²', 1_800, 10),
      line('couverture', 'Écran sous-toiture HPV respirant', 96, 'm²', 1_400, 10),
      line('couverture', 'Liteaux et contre-liteaux traités classe 2', 96, 'm²', 1_200, 10),
      line('couverture', 'Tuiles mécaniques terre cuite, fourniture et pose', 96, 'm²', 5_800, 10),
      line('couverture', 'Faîtage à sec ventilé avec closoirs', 12, 'ml', 5_500, 10),
      line('zinguerie', 'Gouttières demi-rondes en zinc de 33', 24, 'ml', 4_800, 10),
      line('zinguerie', 'Descentes d’eaux pluviales en zinc Ø 80 avec dauphins', 2, 'u', 18_000, 10),
    ],
  },
  {
    reference: 'DEV-2025-0008',
    title: 'Isolation des combles perdus par soufflage',
    status: 'accepted',
    company: { name: 'Nord Isolation Habitat SAS', siret: '46702336200016' },
    client: { name: 'M. et Mme Petit', postcode: '59800', city: 'Lille' },
    issueDate: '2025-04-22',
    validUntil: '2025-06-21',
    metadata: {
      ...mentions(
        'Groupama, contrat n° 41 118 204 B',
        'Paiement à la réception des travaux',
        '1 jour',
      ),
      performances: 'R = 7 m².K/W (320 mm de laine de verre soufflée)',
      certification: 'RGE Qualibat 7131',
    },
    lines: [
      line('isolation', 'Laine de verre soufflée 320 mm, R = 7 m².K/W, fourniture et mise en œuvre', 85, 'm²', 2_400, 5.5),
      line('isolation', 'Rehausse et isolation de la trappe de visite', 1, 'u', 12_000, 5.5),
      line('isolation', 'Capots de protection des spots encastrés', 6, 'u', 2_500, 5.5),
      line('isolation', 'Déflecteurs en égout pour la ventilation de la toiture', 18, 'ml', 900, 5.5),
      line('isolation', 'Écart au feu autour du conduit de cheminée', 1, 'u', 9_500, 5.5),
      line('isolation', 'Piges de repérage de l’épaisseur et fiche de chantier', 1, 'forfait', 4_500, 5.5),
    ],
  },
  {
    reference: 'DEV-2025-0009',
    title: 'Travaux de rénovation',
    status: 'sent',
    company: { name: 'Multi Services Bâtiment' },
    client: { name: 'M. Antoine Mercier', postcode: '75011', city: 'Paris' },
    issueDate: '2025-05-12',
    metadata: {
      source: SEED_SOURCE,
      seedNote:
        'mentions manquantes : SIRET, durée de validité, décomposition des prix (lignes vagues ' +
        '« Travaux divers », « Fournitures »), assurance décennale, conditions de paiement, ' +
        'délai d’exécution',
    },
    lines: [
      line('rénovation', 'Travaux divers', 1, 'forfait', 480_000, 10),
      line('rénovation', 'Fournitures', 1, 'forfait', 135_000, 10),
      line('rénovation', 'Main d’œuvre', 32, 'h', 4_500, 10),
      line('rénovation', 'Déplacement', 1, 'forfait', 15_000, 10),
    ],
  },
  {
    reference: 'DEV-2025-0010',
    title: 'Remplacement d’une chaudière fioul par une pompe à chaleur air/eau',
    status: 'accepted',
    company: { name: 'Breizh Thermique SARL', siret: '20736000900030' },
    client: { name: 'M. Yann Le Bihan', postcode: '35000', city: 'Rennes' },
    issueDate: '2025-06-02',
    validUntil: '2025-08-31',
    metadata: {
      ...mentions(
        'MAAF Pro, contrat n° 125 337 410',
        '30 % d’acompte à la commande, solde à la mise en service',
        '3 jours, 5 semaines après la commande',
      ),
      performances: 'PAC 8 kW, ETAS 175 % à 35 °C',
      certification: 'RGE QualiPAC',
    },
    lines: [
      line('chauffage', 'Pompe à chaleur air/eau 8 kW monobloc, fourniture et pose', 1, 'u', 890_000, 5.5),
      line('chauffage', 'Ballon d’eau chaude sanitaire 200 L raccordé à la PAC', 1, 'u', 165_000, 5.5),
      line('chauffage', 'Dépose de la chaudière fioul, neutralisation et évacuation de la cuve', 1, 'forfait', 110_000, 5.5),
      line('chauffage', 'Liaisons hydrauliques isolées entre unité extérieure et chaufferie', 8, 'ml', 4_500, 5.5),
      line('électricité', 'Ligne électrique dédiée et protection au tableau', 1, 'forfait', 42_000, 5.5),
      line('chauffage', 'Radiateurs acier basse température en remplacement', 4, 'u', 52_000, 10),
      line('chauffage', 'Mise en service, réglage de la loi d’eau et désembouage du réseau', 1, 'forfait', 35_000, 5.5),
    ],
  },
  {
    reference: 'DEV-2025-0011',
    title: 'Rénovation complète d’un appartement T3 de 68 m²',
    status: 'draft',
    company: { name: 'Bâti Rénov Île-de-France SAS', siret: '35598080600051' },
    client: { name: 'Mme et M. Fabre', postcode: '92100', city: 'Boulogne-Billancourt' },
    issueDate: '2025-06-23',
    validUntil: '2025-08-22',
    metadata: mentions(
      'SMABTP, attestation n° 2025-92-004 871',
      '20 % à la signature, 30 % au démarrage, 30 % à mi-chantier, solde à la réception',
      '10 semaines',
    ),
    lines: [
      line('maçonnerie', 'Installation de chantier, protection des parties communes', 1, 'forfait', 65_000, 10),
      line('maçonnerie', 'Démolition des cloisons non porteuses et des revêtements, évacuation', 1, 'forfait', 380_000, 10),
      line('plâtrerie', 'Cloisons en plaques de plâtre BA13 sur ossature, isolant acoustique', 42, 'm²', 5_200, 10),
      line('isolation', 'Doublage isolant des murs sur rue, laine minérale R = 3,7', 31, 'm²', 6_800, 5.5),
      line('plâtrerie', 'Faux plafond en plaques de plâtre dans la cuisine et la salle de bains', 14, 'm²', 5_600, 10),
      line('électricité', 'Réfection complète de l’installation électrique NF C 15-100', 68, 'm²', 9_500, 10),
      line('électricité', 'Tableau électrique et coffret de communication', 1, 'u', 165_000, 10),
      line('électricité', 'VMC hygroréglable simple flux, fourniture et pose', 1, 'u', 78_000, 10),
      line('plomberie', 'Réseaux d’alimentation en PER et d’évacuation en PVC', 1, 'forfait', 240_000, 10),
      line('plomberie', 'Meuble vasque 80 cm avec mitigeur et miroir', 1, 'u', 85_000, 10),
      line('plomberie', 'Douche : receveur 90 × 120, paroi et colonne thermostatique', 1, 'u', 165_000, 10),
      line('plomberie', 'WC suspendu avec bâti-support', 1, 'u', 92_000, 10),
      line('plomberie', 'Raccordements de l’évier et du lave-vaisselle', 1, 'forfait', 38_000, 10),
      line('carrelage', 'Chape de ragréage des sols', 68, 'm²', 1_800, 10),
      line('carrelage', 'Carrelage grès cérame 60 × 60, cuisine et salle de bains, fourniture et pose', 16, 'm²', 8_900, 10),
      line('carrelage', 'Faïence murale de la salle de bains', 18, 'm²', 8_500, 10),
      line('menuiserie', 'Parquet chêne contrecollé, séjour et chambres, fourniture et pose', 48, 'm²', 7_800, 10),
      line('menuiserie', 'Plinthes en bois à peindre', 62, 'ml', 1_400, 10),
      line('menuiserie', 'Blocs-portes intérieurs alvéolaires avec quincaillerie', 5, 'u', 38_000, 10),
      line('menuiserie', 'Placard coulissant sur mesure dans l’entrée', 1, 'u', 145_000, 10),
      line('peinture', 'Peinture des murs, impression et 2 couches', 186, 'm²', 2_200, 10),
      line('peinture', 'Peinture des plafonds, 2 couches', 68, 'm²', 2_400, 10),
      line('peinture', 'Peinture des portes et des plinthes', 1, 'forfait', 95_000, 10),
      line('maçonnerie', 'Nettoyage de fin de chantier et évacuation des déchets', 1, 'forfait', 55_000, 10),
    ],
  },
  {
    reference: SEED_EXAMPLE_REFERENCE,
    title: 'Rénovation salle de bains',
    status: 'sent',
    company: { name: 'Rénov Habitat SARL', siret: '66249216400022' },
    client: { name: 'M. et Mme Martin', postcode: '69003', city: 'Lyon' },
    issueDate: '2025-03-14',
    validUntil: '2025-04-13',
    metadata: mentions(
      'AXA France, police n° 10 482 517 336',
      ACOMPTE_30,
      '2 semaines, début sous un mois',
    ),
    lines: [
      line('plomberie', 'Dépose des sanitaires et du carrelage existants, évacuation', 1, 'forfait', 45_000, 10),
      line('plomberie', 'Remplacement du ballon d’eau chaude 200 L (fourniture et pose)', 1, 'u', 145_000, 10),
      line('plomberie', 'Receveur de douche 90 × 120 extra-plat, paroi vitrée et mitigeur thermostatique', 1, 'u', 128_000, 10),
      line('plomberie', 'Meuble vasque 80 cm avec plan, mitigeur et miroir éclairant', 1, 'u', 89_000, 10),
      line('plomberie', 'WC suspendu avec bâti-support et plaque de commande', 1, 'u', 95_000, 10),
      line('carrelage', 'Carrelage de sol grès cérame 45 × 45, fourniture et pose', 6, 'm²', 8_500, 10),
      line('carrelage', 'Faïence murale 25 × 40 toute hauteur, fourniture et pose', 18.5, 'm²', 7_900, 10),
      line('électricité', 'Mise en sécurité : spots IP65, prise rasoir et liaison équipotentielle', 1, 'forfait', 68_000, 10),
      line('peinture', 'Peinture du plafond, 2 couches spéciale pièces humides', 6, 'm²', 2_800, 10),
    ],
  },
];
