import { Global, Module } from '@nestjs/common';
import { McpController } from './mcp.controller.js';
import { McpManagerService } from './mcp-manager.service.js';

/** Provides McpManagerService to the feature modules that run MCP tools. */
@Global()
@Module({
  controllers: [McpController],
  providers: [McpManagerService],
  exports: [McpManagerService],
})
export class McpModule {}
