import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiOperation } from '@nestjs/swagger';
import type { OAuthScope } from '../oauth/scopes';

export const GPT_ACTION_EXTENSION = 'x-passerelle-gpt-action';
/** Marks the operations of `person` actions, which the ChatGPT Action schema leaves out. */
export const PERSON_ACTION_EXTENSION = 'x-passerelle-person-action';
/** What a GPT key calling a `person` action is told (FORBIDDEN). */
export const PERSON_REQUIRED_MESSAGE =
  'This acts as a person: connect the assistant with "Sign in with Passerelle" (OAuth); a GPT key has no person';
/** Reflect metadata key under which the handler keeps its options (read by the MCP tool registry). */
export const GPT_ACTION_METADATA = 'passerelle:gpt-action';

/**
 * What an action does to data. It decides the MCP tool annotations (ChatGPT's and Claude's
 * directories reject tools whose hints are left to defaults), see `toolAnnotations`.
 * - `read`: changes nothing;
 * - `write`: adds or changes data, destroys nothing;
 * - `delete`: may remove or overwrite data.
 */
export type GptActionEffect = 'read' | 'write' | 'delete';

export interface GptActionOptions {
  /** Stable camelCase name the GPT calls the action by, and the MCP tool's name. Never rename once published. */
  operationId: string;
  /** Short human name shown by ChatGPT and Claude next to the tool (e.g. "Get a quote"). */
  title: string;
  /** ≤ 300 characters (ChatGPT's limit); what the model reads to decide to call it. */
  summary: string;
  description?: string;
  effect: GptActionEffect;
  /** Calling it twice with the same arguments has no further effect (reads always are). */
  idempotent?: boolean;
  /** ChatGPT asks the user to confirm consequential actions; false for harmless writes. */
  consequential?: boolean;
  /**
   * The OAuth scope a signed-in person must have granted the assistant to call it (see
   * src/oauth/scopes.ts); none: any token may. GPT keys may call every action.
   */
  scope?: OAuthScope;
  /**
   * The action acts as the signed-in person (OAuth): a GPT key has none. It is left out of the
   * ChatGPT Action schema (GPT keys only), hidden from GPT keys in the MCP server's tools/list,
   * and refused to them with a message to relay.
   */
  person?: boolean;
}

export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** The four MCP hints, always explicit. Passerelle's actions touch only its own data: closed world. */
export function toolAnnotations(options: GptActionOptions): ToolAnnotations {
  return {
    title: options.title,
    readOnlyHint: options.effect === 'read',
    destructiveHint: options.effect === 'delete',
    idempotentHint: options.effect === 'read' || options.idempotent === true,
    openWorldHint: false,
  };
}

/**
 * Marks a route as an assistant action, declared once: it appears in /api/gpt/openapi (the
 * ChatGPT Action schema; not `person` actions) and as a tool of the MCP server at /mcp, both
 * generated from this route's decorators and DTOs, as well as in /docs.
 */
export function GptAction(options: GptActionOptions) {
  const decorators = [
    ApiOperation({
      operationId: options.operationId,
      summary: options.summary,
      description: options.description,
    }),
    ApiExtension(GPT_ACTION_EXTENSION, true),
    SetMetadata(GPT_ACTION_METADATA, options),
  ];
  if (options.person) decorators.push(ApiExtension(PERSON_ACTION_EXTENSION, true));
  if (options.consequential !== undefined) {
    decorators.push(ApiExtension('x-openai-isConsequential', options.consequential));
  }
  return applyDecorators(...decorators);
}
