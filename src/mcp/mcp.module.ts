import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { McpController } from './mcp.controller.js';
import { McpManagerService } from './mcp-manager.service.js';
import { ToolLoopService } from './tool-loop/tool-loop.service.js';

/** McpManagerService and the shared tool loop, for the endpoints that run MCP tools. */
@Module({
  imports: [MetricsModule],
  controllers: [McpController],
  providers: [McpManagerService, ToolLoopService],
  exports: [McpManagerService, ToolLoopService],
})
export class McpModule {}
