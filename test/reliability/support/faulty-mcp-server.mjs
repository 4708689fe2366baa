// An MCP server over stdio, built with the SDK's McpServer, whose tools
// misbehave on request. Plain JavaScript because the gateway spawns it with
// `node`. Every tool call is counted on stderr, so a test can tell which
// process answered.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'faulty-mcp-server', version: '1.0.0' });
const text = (value) => ({ content: [{ type: 'text', text: value }] });

server.registerTool(
  'echo',
  {
    description: 'Echoes `text` after `delayMs`, with this process id',
    inputSchema: { text: z.string(), delayMs: z.number().optional() },
  },
  async ({ text: value, delayMs }) => {
    if (delayMs) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    return text(`echo ${value} from ${process.pid}`);
  },
);

server.registerTool(
  'crash',
  { description: 'Exits the process in the middle of the call' },
  async () => {
    // Let the request be read and acknowledged by nothing: die mid-call.
    setTimeout(() => process.exit(3), 10);
    await new Promise(() => undefined);
    return text('never');
  },
);

server.registerTool(
  'hang',
  { description: 'Never answers' },
  () => new Promise(() => undefined),
);

await server.connect(new StdioServerTransport());
process.stderr.write('faulty-mcp-server ready\n');
