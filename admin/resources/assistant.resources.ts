import {
  AssistantToolCallEntity,
  TOOL_CALL_OUTCOMES,
} from '../../src/mcp/entities/assistant-tool-call.entity';
import { readOnlyActions, staffOrAdmin } from '../access';
import type { ResourceWithOptions } from '../adminjs-types';

/** Every MCP tool call: who, which tool, how long, how it ended. Read-only, newest first. */
export function toolCallsResource(): ResourceWithOptions {
  return {
    resource: AssistantToolCallEntity,
    options: {
      id: 'tool-calls',
      navigation: { name: 'Assistants', icon: 'Activity' },
      sort: { sortBy: 'calledAt', direction: 'desc' },
      listProperties: [
        'calledAt',
        'tool',
        'outcome',
        'errorCode',
        'durationMs',
        'gptKeyId',
        'userId',
      ],
      filterProperties: [
        'tool',
        'outcome',
        'errorCode',
        'gptKeyId',
        'userId',
        'clientId',
        'calledAt',
      ],
      properties: {
        outcome: { availableValues: TOOL_CALL_OUTCOMES.map((v) => ({ value: v, label: v })) },
        durationMs: { type: 'number' },
        gptKeyId: { type: 'string' },
        userId: { type: 'string' },
      },
      actions: readOnlyActions(staffOrAdmin),
    },
  };
}
