import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOperation } from '@nestjs/swagger';

export const GPT_ACTION_EXTENSION = 'x-passerelle-gpt-action';

export interface GptActionOptions {
  /** Stable camelCase name the GPT calls the action by. Never rename once published. */
  operationId: string;
  /** ≤ 300 characters (ChatGPT's limit); what the model reads to decide to call it. */
  summary: string;
  description?: string;
  /** ChatGPT asks the user to confirm consequential actions; false for harmless writes. */
  consequential?: boolean;
}

/**
 * Marks a route as a ChatGPT Action: it appears in /api/gpt/openapi (the schema the GPT
 * builder imports) as well as in /docs, generated from the same decorators.
 */
export function GptAction(options: GptActionOptions) {
  const decorators = [
    ApiOperation({
      operationId: options.operationId,
      summary: options.summary,
      description: options.description,
    }),
    ApiExtension(GPT_ACTION_EXTENSION, true),
  ];
  if (options.consequential !== undefined) {
    decorators.push(ApiExtension('x-openai-isConsequential', options.consequential));
  }
  return applyDecorators(...decorators);
}
