// A hand-written MCP server on stdio (plain JSON-RPC lines, no SDK) that
// misbehaves as a child process, chosen by its first argument:
//   exit-after-list   answers initialize and tools/list, then exits: a
//                     server that connects and dies, over and over.
//   stderr-flood N    first writes one stderr line of N bytes (in 64 KiB
//                     writes, no newline until the end), then
//                     "after the flood", then serves normally.
import { createInterface } from 'node:readline';

const [mode, size] = process.argv.slice(2);

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function flood(bytes) {
  const piece = 'x'.repeat(64 * 1024);
  for (let written = 0; written < bytes; written += piece.length) {
    const part = piece.slice(0, Math.min(piece.length, bytes - written));
    if (!process.stderr.write(part)) {
      await new Promise((resolve) => process.stderr.once('drain', resolve));
    }
  }
  process.stderr.write('\nafter the flood\n');
}

if (mode === 'stderr-flood') {
  await flood(Number(size));
}

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
  if (method === 'initialize') {
    send({
      jsonrpc: '2.0',
      id,
      result: {
        protocolVersion: params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'misbehaving-child', version: '1.0.0' },
      },
    });
  } else if (method === 'tools/list') {
    send({
      jsonrpc: '2.0',
      id,
      result: {
        tools: [
          {
            name: 'noop',
            description: 'does nothing',
            inputSchema: { type: 'object', properties: {} },
          },
        ],
      },
    });
    if (mode === 'exit-after-list') {
      // Connected as far as the gateway can tell; then gone.
      setTimeout(() => process.exit(0), 20);
    }
  } else {
    send({ jsonrpc: '2.0', id, error: { code: -32601, message: 'no' } });
  }
});
