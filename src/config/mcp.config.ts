import { registerAs } from '@nestjs/config';
import { IsOptional, IsString } from 'class-validator';
import { OptionalInt, toList, validateEnv } from './validate-env';

class McpEnv {
  @IsOptional()
  @IsString()
  MCP_ALLOWED_ORIGINS?: string;

  @OptionalInt({ min: 1_024, max: 10_485_760 })
  MCP_MAX_BODY_BYTES?: number;

  @OptionalInt({ min: 1_000, max: 1_000_000 })
  MCP_MAX_RESULT_CHARS?: number;
}

export interface McpConfig {
  /**
   * Browser origins allowed to call /mcp (DNS-rebinding protection): a request that carries an
   * `Origin` header not listed here gets 403. Server-side clients (ChatGPT, Claude, agents)
   * send none. APP_URL's origin and CORS_ORIGINS are always allowed.
   */
  allowedOrigins: string[];
  /** Largest JSON-RPC request body read, in bytes; larger gets 413 before anything is parsed. */
  maxBodyBytes: number;
  /**
   * Largest tool result, in characters of JSON. ChatGPT and Claude cut longer results
   * (Claude at ~150,000): past this a tool answers an error asking to page instead.
   */
  maxResultChars: number;
}

export const mcpConfig = registerAs('mcp', (): McpConfig => {
  const v = validateEnv(McpEnv);
  return {
    allowedOrigins: toList(v.MCP_ALLOWED_ORIGINS),
    maxBodyBytes: v.MCP_MAX_BODY_BYTES ?? 1_048_576,
    maxResultChars: v.MCP_MAX_RESULT_CHARS ?? 100_000,
  };
});
