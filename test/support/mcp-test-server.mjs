// A small MCP server over stdio, built with the SDK, whose tool list changes
// on request. Plain JavaScript because the gateway spawns it with `node`.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

const objectSchema = (properties = {}) => ({ type: 'object', properties });

const tools = new Map([
  [
    'echo',
    {
      description: 'Echoes text',
      schema: objectSchema({ text: { type: 'string' } }),
    },
  ],
  ['fail', { description: 'Reports an error result', schema: objectSchema() }],
  ['explode', { description: 'Throws', schema: objectSchema() }],
  [
    'sleep',
    {
      description: 'Waits ms milliseconds',
      schema: objectSchema({ ms: { type: 'number' } }),
    },
  ],
  [
    'secret',
    { description: 'Returns env TEST_SECRET', schema: objectSchema() },
  ],
  [
    'add_tool',
    {
      description: 'Adds a tool; notify sends tools/list_changed',
      schema: objectSchema({
        name: { type: 'string' },
        notify: { type: 'boolean' },
      }),
    },
  ],
]);

const server = new Server(
  { name: 'gateway-test-server', version: '1.0.0' },
  { capabilities: { tools: { listChanged: true } } },
);

server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: [...tools].map(([name, tool]) => ({
    name,
    description: tool.description,
    inputSchema: tool.schema,
  })),
}));

const text = (value) => ({ content: [{ type: 'text', text: value }] });

server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
  const { name } = request.params;
  const args = request.params.arguments ?? {};
  switch (name) {
    case 'echo':
      return text(`test-server echo: ${args.text}`);
    case 'fail':
      return {
        isError: true,
        content: [{ type: 'text', text: 'the tool failed on purpose' }],
      };
    case 'explode':
      throw new Error('boom');
    case 'sleep':
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, args.ms ?? 1000);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return text(extra.signal.aborted ? 'cancelled' : 'slept');
    case 'secret':
      return text(process.env.TEST_SECRET ?? '<unset>');
    case 'add_tool':
      tools.set(args.name, {
        description: 'Added at run time',
        schema: objectSchema(),
      });
      if (args.notify) {
        await server.sendToolListChanged();
      }
      return text(`added ${args.name}`);
    default:
      if (tools.has(name)) {
        return text(`called ${name}`);
      }
      throw new Error(`unknown tool ${name}`);
  }
});

await server.connect(new StdioServerTransport());
process.stderr.write('gateway-test-server ready\n');
