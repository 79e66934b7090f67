import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AssistantTools } from './assistant-tools';
import { McpController } from './mcp.controller';
import { McpServerService } from './mcp-server.service';

@Module({
  imports: [DiscoveryModule],
  controllers: [McpController],
  providers: [AssistantTools, McpServerService],
  exports: [AssistantTools],
})
export class McpModule {}
