import { Global, Module } from '@nestjs/common';
import { McpController } from './mcp.controller.js';
import { McpManagerService } from './mcp-manager.service.js';
import { ToolLoopService } from './tool-loop/tool-loop.service.js';

/** Provides McpManagerService and the shared tool loop to the feature modules that run MCP tools. */
@Global()
@Module({
  controllers: [McpController],
  providers: [McpManagerService, ToolLoopService],
  exports: [McpManagerService, ToolLoopService],
})
export class McpModule {}
