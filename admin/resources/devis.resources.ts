import { DevisLineEntity } from '../../src/devis/entities/devis-line.entity';
import { DevisEntity } from '../../src/devis/entities/devis.entity';
import { validateInput } from '../../src/common/http/validate-input';
import { ReviewAnalysisDto } from '../../src/gpt-analyses/dto/review-analysis.dto';
import {
  GptAnalysisEntity,
  REVIEW_STATUSES,
  REVIEW_VERDICTS,
} from '../../src/gpt-analyses/entities/gpt-analysis.entity';
import type { GptAnalysesService } from '../../src/gpt-analyses/gpt-analyses.service';
import { currentPanelAdmin, readOnlyActions, staffOrAdmin } from '../access';
import type { ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';
import { recordAction, reloaded, showUrl, text } from '../handlers';

const navigation = { name: 'Devis', icon: 'FileText' };

/**
 * Quotes, their lines and the GPT analyses of them: read-only, except the staff review of an
 * analysis (GptAnalysesService.review, the same rule as `POST /api/admin/gpt-analyses/:id/review`).
 */
export function devisResources(
  analyses: GptAnalysesService,
  components: PanelComponents,
): ResourceWithOptions[] {
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
        listProperties: [
          'devisId',
          'gptScore',
          'gptGrade',
          'confidence',
          'reviewStatus',
          'apiKeyId',
          'createdAt',
        ],
        filterProperties: [
          'devisId',
          'apiKeyId',
          'gptGrade',
          'reviewStatus',
          'supportSessionId',
          'createdAt',
        ],
        properties: {
          devisId: { reference: 'devis' },
          apiKeyId: { reference: 'gpt-keys' },
          supportSessionId: { reference: 'chat-sessions' },
          reviewedById: { reference: 'users' },
          gptGrade: {
            availableValues: ['A', 'B', 'C', 'D', 'E'].map((g) => ({ value: g, label: g })),
          },
          reviewStatus: {
            availableValues: REVIEW_STATUSES.map((v) => ({ value: v, label: v })),
          },
          reviewVerdict: {
            availableValues: REVIEW_VERDICTS.map((v) => ({ value: v, label: v })),
          },
          reviewNote: { components: { show: components.PlainText } },
        },
        actions: {
          ...readOnlyActions(staffOrAdmin),
          show: { isAccessible: staffOrAdmin, component: components.AnalysisShow },
          markReviewed: {
            actionType: 'record',
            icon: 'CheckCircle',
            isAccessible: staffOrAdmin,
            component: components.ActionForm,
            custom: {
              intro:
                'Your verdict on this analysis. Assistants reading the devis see it with your ' +
                'note; the analysis leaves "awaiting review".',
              submitLabel: 'Mark reviewed',
              fields: [
                {
                  name: 'verdict',
                  label: 'Verdict',
                  type: 'select',
                  options: REVIEW_VERDICTS,
                  value: 'confirmed',
                },
                { name: 'note', label: 'Note (optional)' },
              ],
            },
            handler: recordAction(async (record, request, context) => {
              const id = String(record.id());
              const dto = await validateInput(ReviewAnalysisDto, {
                verdict: text(request.payload, 'verdict'),
                ...(text(request.payload, 'note') ? { note: text(request.payload, 'note') } : {}),
              });
              await analyses.review({ id: currentPanelAdmin(context).id }, id, dto);
              return {
                record: await reloaded(context, id),
                redirectUrl: showUrl(context, id),
                notice: { message: 'Analysis marked reviewed', type: 'success' },
              };
            }),
          },
        },
      },
    },
  ];
}
