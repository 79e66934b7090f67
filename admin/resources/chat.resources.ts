import type { ChatStaffService } from '../../src/chat/chat-staff.service';
import { AssignChatSessionDto, StaffReplyDto } from '../../src/chat/dto/chat-staff.dto';
import { ChatMessageEntity, CHAT_MESSAGE_ROLES } from '../../src/chat/entities/chat-message.entity';
import {
  ChatSessionEntity,
  CHAT_SESSION_STATUSES,
} from '../../src/chat/entities/chat-session.entity';
import { currentPanelAdmin, readOnlyActions, staffOrAdmin } from '../access';
import { validateInput } from '../../src/common/http/validate-input';
import type { ActionContext, ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';
import { guarded, recordAction, reloaded, text } from '../handlers';

const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));
const navigation = { name: 'Support chat', icon: 'MessageCircle' };

const actor = (context: ActionContext) => {
  const admin = currentPanelAdmin(context);
  return { id: admin.id, name: admin.title || admin.email };
};

/**
 * Chat sessions and their messages. Staff and admins read threads and act through
 * ChatStaffService (reply, assign, resolve), which also pushes the change to the visitor's page.
 * What they type goes through the API's DTOs (`validateInput`): the same rules, the same errors.
 */
export function chatResources(
  chat: ChatStaffService,
  components: PanelComponents,
): ResourceWithOptions[] {
  /** A thread action: POST only (a link cannot act), then the updated thread. */
  const threadAction = (
    run: (context: ActionContext, payload: Record<string, unknown> | undefined) => Promise<unknown>,
  ) =>
    recordAction(async (record, request, context) => {
      await run(context, request.payload);
      const id = String(record.id());
      return { record: await reloaded(context, id), thread: await chat.get(id) };
    });
  const hidden = {
    actionType: 'record' as const,
    isVisible: false,
    isAccessible: staffOrAdmin,
    component: false as const,
  };

  return [
    {
      resource: ChatSessionEntity,
      options: {
        id: 'chat-sessions',
        navigation,
        sort: { sortBy: 'lastMessageAt', direction: 'desc' },
        listProperties: [
          'title',
          'status',
          'userId',
          'assignedStaffId',
          'assistantEnabled',
          'rating',
          'lastMessageAt',
        ],
        filterProperties: [
          'status',
          'userId',
          'assignedStaffId',
          'devisId',
          'lastMessageAt',
          'createdAt',
        ],
        properties: {
          visitorTokenHash: { isVisible: false },
          status: { availableValues: options(CHAT_SESSION_STATUSES) },
          userId: { reference: 'users' },
          assignedStaffId: { reference: 'users' },
          devisId: { reference: 'devis' },
          title: { components: { list: components.PlainText, show: components.PlainText } },
          // The visitor's, once the conversation is resolved (POST /api/chat/sessions/:id/rating).
          rating: { isDisabled: true },
          ratingComment: {
            type: 'textarea',
            components: { list: components.PlainText, show: components.PlainText },
          },
        },
        actions: {
          ...readOnlyActions(staffOrAdmin),
          show: { isAccessible: staffOrAdmin, component: components.ChatThread },
          thread: {
            ...hidden,
            handler: guarded(async (_request, _response, context) => ({
              record: context.record!.toJSON(context.currentAdmin),
              thread: await chat.get(String(context.record!.id())),
            })),
          },
          reply: {
            ...hidden,
            handler: threadAction(async (c, p) =>
              chat.reply(
                actor(c),
                String(c.record!.id()),
                await validateInput(StaffReplyDto, { message: text(p, 'text') ?? '' }),
              ),
            ),
          },
          assign: {
            ...hidden,
            handler: threadAction(async (c, p) =>
              chat.assign(
                actor(c),
                String(c.record!.id()),
                await validateInput(AssignChatSessionDto, {
                  staffId: text(p, 'staffId') || undefined,
                }),
              ),
            ),
          },
          resolve: {
            ...hidden,
            handler: threadAction((c) => chat.resolve(actor(c), String(c.record!.id()))),
          },
        },
      },
    },
    {
      resource: ChatMessageEntity,
      options: {
        id: 'chat-messages',
        navigation,
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: ['sessionId', 'sequence', 'role', 'senderName', 'content', 'createdAt'],
        filterProperties: ['sessionId', 'role', 'senderName', 'createdAt'],
        properties: {
          sessionId: { reference: 'chat-sessions' },
          role: { availableValues: options(CHAT_MESSAGE_ROLES) },
          content: {
            type: 'textarea',
            components: { list: components.PlainText, show: components.PlainText },
          },
          senderName: { components: { list: components.PlainText, show: components.PlainText } },
        },
        actions: readOnlyActions(staffOrAdmin),
      },
    },
  ];
}
