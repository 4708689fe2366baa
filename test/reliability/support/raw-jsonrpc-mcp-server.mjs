// A hand-written MCP server: plain JSON-RPC lines on stdio, no SDK, so it
// can answer tools/call with results that break the MCP schema. Which
// malformed answer a call gets is the tool's name.
import { createInterface } from 'node:readline';

const MALFORMED = {
  // `content` must be an array of content blocks.
  content_not_array: { content: 'just a string' },
  // A text block without its text, and a block of an unknown type.
  bad_blocks: { content: [{ type: 'text' }, { type: 'hologram', data: 1 }] },
  // `isError` must be a boolean.
  is_error_string: { content: [], isError: 'yes' },
  // A result that is not an object at all.
  result_null: null,
  result_number: 42,
};

const tools = [
  ...Object.keys(MALFORMED),
  'error_response',
  'garbage_line',
  'wrong_id',
  'fine',
].map((name) => ({
  name,
  description: `answers ${name}`,
  inputSchema: { type: 'object', properties: {} },
}));

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  const { id, method, params } = message;
  if (id === undefined) {
    return; // a notification
  }
  switch (method) {
    case 'initialize':
      send({
        jsonrpc: '2.0',
        id,
        result: {
          protocolVersion: params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'raw-jsonrpc-mcp-server', version: '1.0.0' },
        },
      });
      return;
    case 'tools/list':
      send({ jsonrpc: '2.0', id, result: { tools } });
      return;
    case 'tools/call': {
      const name = params?.name;
      if (name in MALFORMED) {
        send({ jsonrpc: '2.0', id, result: MALFORMED[name] });
      } else if (name === 'error_response') {
        send({
          jsonrpc: '2.0',
          id,
          error: { code: 'not-a-number', message: 17 },
        });
      } else if (name === 'garbage_line') {
        process.stdout.write('this is not JSON at all\n');
        process.stdout.write('{"jsonrpc":"2.0","id":\n');
      } else if (name === 'wrong_id') {
        send({ jsonrpc: '2.0', id: `${id}-other`, result: { content: [] } });
      } else {
        send({
          jsonrpc: '2.0',
          id,
          result: { content: [{ type: 'text', text: 'fine' }] },
        });
      }
      return;
    }
    default:
      send({
        jsonrpc: '2.0',
        id,
        error: { code: -32601, message: 'Method not found' },
      });
  }
});
