import { UpdateFeedbackDto } from '../../src/feedback/dto/feedback.dto';
import { FeedbackEntity } from '../../src/feedback/entities/feedback.entity';
import type { FeedbackService } from '../../src/feedback/feedback.service';
import { validateInput } from '../../src/common/http/validate-input';
import { readOnlyActions, staffOrAdmin } from '../access';
import type { ActionContext, ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';
import { recordAction, reloaded, showUrl } from '../handlers';

type Status = 'new' | 'triaged' | 'done';

const statusOf = (ctx: ActionContext) => String(ctx.record?.params?.status ?? '');

/**
 * Feedback from the page's form and the API: staff triage it `new` → `triaged` → `done`
 * through FeedbackService (the same rule as `PATCH /api/admin/feedback/:id`). Bug reports
 * come first in the list (type `bug` sorts before `comment` and `suggestion`).
 */
export function feedbackResource(
  feedback: FeedbackService,
  components: PanelComponents,
): ResourceWithOptions {
  const move = (to: Status, label: string) =>
    recordAction(async (record, _request, context) => {
      const id = String(record.id());
      await feedback.setStatus(id, (await validateInput(UpdateFeedbackDto, { status: to })).status);
      return {
        record: await reloaded(context, id),
        redirectUrl: showUrl(context, id),
        notice: { message: label, type: 'success' },
      };
    });
  const action = (to: Status, from: Status[], label: string, intro: string) => ({
    actionType: 'record' as const,
    icon: to === 'done' ? 'CheckCircle' : to === 'triaged' ? 'Flag' : 'RotateCcw',
    isAccessible: staffOrAdmin,
    isVisible: (ctx: ActionContext) => from.includes(statusOf(ctx) as Status),
    component: components.ActionForm,
    custom: { intro, submitLabel: label },
    handler: move(to, `Feedback marked ${to}`),
  });

  return {
    resource: FeedbackEntity,
    options: {
      id: 'feedback',
      navigation: { name: 'Support', icon: 'MessageCircle' },
      sort: { sortBy: 'type', direction: 'asc' },
      listProperties: ['type', 'status', 'message', 'rating', 'email', 'createdAt'],
      filterProperties: ['type', 'status', 'email', 'createdAt'],
      showProperties: [
        'id',
        'type',
        'status',
        'message',
        'rating',
        'email',
        'page',
        'userId',
        'webhookStatus',
        'createdAt',
        'updatedAt',
      ],
      properties: {
        message: { components: { list: components.PlainText, show: components.PlainText } },
        page: { components: { list: components.PlainText, show: components.PlainText } },
        userId: { reference: 'users' },
        webhookAttempts: { isVisible: false },
      },
      actions: {
        ...readOnlyActions(staffOrAdmin),
        triage: action(
          'triaged',
          ['new'],
          'Mark triaged',
          'Someone has read it and knows what to do.',
        ),
        markDone: action(
          'done',
          ['new', 'triaged'],
          'Mark done',
          'Handled: fixed, answered or declined.',
        ),
        reopen: action('new', ['triaged', 'done'], 'Reopen', 'Back to the new feedback.'),
      },
    },
  };
}
