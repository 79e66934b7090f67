import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OAuthModule } from '../oauth/oauth.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssistantTools } from './assistant-tools';
import { AssistantToolCallEntity } from './entities/assistant-tool-call.entity';
import { McpController } from './mcp.controller';
import { McpServerService } from './mcp-server.service';
import { ToolCallRecorder } from './tool-call.recorder';
import { ToolCallsRepository } from './tool-calls.repository';

/** The remote MCP server: the GPT actions as tools, and the record of every tool call. */
@Module({
  imports: [DiscoveryModule, OAuthModule, TypeOrmModule.forFeature([AssistantToolCallEntity])],
  controllers: [McpController],
  providers: [AssistantTools, McpServerService, ToolCallRecorder, ToolCallsRepository],
  exports: [AssistantTools],
})
export class McpModule {}
