import { DevisLineEntity } from '../../src/devis/entities/devis-line.entity';
import { DevisEntity } from '../../src/devis/entities/devis.entity';
import { GptAnalysisEntity } from '../../src/gpt-analyses/entities/gpt-analysis.entity';
import { readOnlyActions, staffOrAdmin } from '../access';
import type { ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';

const navigation = { name: 'Devis', icon: 'FileText' };

/** Quotes, their lines and the GPT analyses of them: read-only. */
export function devisResources(components: PanelComponents): ResourceWithOptions[] {
  return [
    {
      resource: DevisEntity,
      options: {
        id: 'devis',
        navigation,
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: [
          'reference',
          'title',
          'status',
          'companyName',
          'clientName',
          'totalTtcCents',
          'issueDate',
        ],
        filterProperties: [
          'reference',
          'title',
          'status',
          'companyName',
          'clientName',
          'issueDate',
        ],
        properties: {
          metadata: { isVisible: { list: false, filter: false, show: true, edit: false } },
        },
        actions: {
          ...readOnlyActions(staffOrAdmin),
          show: { isAccessible: staffOrAdmin, component: components.DevisShow },
        },
      },
    },
    {
      resource: DevisLineEntity,
      options: {
        id: 'devis-lines',
        navigation,
        sort: { sortBy: 'position', direction: 'asc' },
        listProperties: [
          'devisId',
          'position',
          'description',
          'category',
          'quantity',
          'unit',
          'unitPriceHtCents',
          'totalHtCents',
        ],
        filterProperties: ['devisId', 'category', 'description'],
        properties: { devisId: { reference: 'devis' } },
        actions: readOnlyActions(staffOrAdmin),
      },
    },
    {
      resource: GptAnalysisEntity,
      options: {
        id: 'gpt-analyses',
        navigation,
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: ['devisId', 'gptScore', 'gptGrade', 'confidence', 'apiKeyId', 'createdAt'],
        filterProperties: ['devisId', 'apiKeyId', 'gptGrade', 'createdAt'],
        properties: {
          devisId: { reference: 'devis' },
          apiKeyId: { reference: 'gpt-keys' },
          gptGrade: {
            availableValues: ['A', 'B', 'C', 'D', 'E'].map((g) => ({ value: g, label: g })),
          },
        },
        actions: {
          ...readOnlyActions(staffOrAdmin),
          show: { isAccessible: staffOrAdmin, component: components.AnalysisShow },
        },
      },
    },
  ];
}
