import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/auth.decorator';
import { OAuthServer } from './oauth-server';
import { ALL_SCOPES } from './scopes';

/**
 * RFC 9728 protected-resource metadata of the MCP server: where an MCP client that got a 401
 * finds the authorization server. The authorization server's own RFC 8414 metadata
 * (`/.well-known/oauth-authorization-server`) is served by the provider itself.
 */
@ApiTags('oauth')
@Public()
@Controller('.well-known')
export class OAuthMetadataController {
  constructor(private readonly oauth: OAuthServer) {}

  @Get(['oauth-protected-resource', 'oauth-protected-resource/mcp'])
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOperation({ summary: 'OAuth protected-resource metadata (RFC 9728) of /mcp' })
  @ApiOkResponse({ description: 'resource, authorization_servers, scopes_supported' })
  protectedResource() {
    return {
      resource: this.oauth.resource,
      authorization_servers: [this.oauth.issuer],
      scopes_supported: ALL_SCOPES,
      bearer_methods_supported: ['header'],
      resource_name: 'Passerelle',
      resource_documentation: `${this.oauth.issuer}/docs`,
    };
  }
}
