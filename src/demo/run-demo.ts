/* eslint-disable no-console -- the demo's whole purpose is to print to the terminal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { DEMO_MODEL_ID } from './demo-model.js';
import { startDemoUpstream } from './demo-upstream.js';

/**
 * `npm run demo`: the real gateway (dist/main.js) in front of the scripted
 * demo model, with a real MCP server (server-everything over stdio),
 * driven by the official openai client, then by Anthropic's (the
 * Messages API that Claude Code speaks).
 */
async function main(): Promise<void> {
  const upstream = await startDemoUpstream();
  const port = await freePort();
  const scratch = await mkdtemp(join(tmpdir(), 'gateway-demo-'));
  const gateway = startGateway(
    upstream.baseUrl,
    port,
    await writeMcpConfig(scratch),
  );
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`);
    await waitForMcpServer(`http://127.0.0.1:${port}/v1/mcp/servers`);
    console.log(
      `Gateway on http://127.0.0.1:${port}, upstream: the scripted demo model at ${upstream.baseUrl}`,
    );
    console.log(
      '(No real LLM runs here: the demo model echoes, and calls a tool when you name it.)\n',
    );
    await runScript(
      new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'demo' }),
    );
    await showMessagesApi(
      new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'demo' }),
    );
  } finally {
    gateway.kill('SIGTERM');
    await upstream.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function runScript(client: OpenAI): Promise<void> {
  const firstId = await showStreamedAnswer(client);
  await showFunctionToolRoundTrip(client);
  await showFollowUp(client, firstId);
  await showMcpTools(client);
}

/** Step 1; returns the response's id for step 3. */
async function showStreamedAnswer(client: OpenAI): Promise<string> {
  console.log('1. A streamed Responses answer, printed as it arrives:');
  const stream = client.responses.stream({
    model: DEMO_MODEL_ID,
    input: 'Hello, gateway!',
  });
  stream.on('response.reasoning_text.delta', (event) =>
    process.stdout.write(`   (thinking) ${event.delta}\n   `),
  );
  stream.on('response.output_text.delta', (event) =>
    process.stdout.write(event.delta),
  );
  const first = await stream.finalResponse();
  console.log(
    `\n   → ${first.id}, status ${first.status}, ${first.usage?.total_tokens} tokens\n`,
  );
  return first.id;
}

/** Step 2: the client runs the tool, the gateway keeps the turn. */
async function showFunctionToolRoundTrip(client: OpenAI): Promise<void> {
  console.log('2. A function-tool round trip:');
  const tools: OpenAI.Responses.FunctionTool[] = [
    {
      type: 'function',
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
      strict: false,
    },
  ];
  const asked = await client.responses.create({
    model: DEMO_MODEL_ID,
    input: 'Please call get_weather for "Paris"',
    tools,
  });
  const call = asked.output.find((item) => item.type === 'function_call');
  if (!call || call.type !== 'function_call') {
    throw new Error('the demo model did not call the tool');
  }
  console.log(`   the model called ${call.name}(${call.arguments})`);
  const toolResult = JSON.stringify({
    city: 'Paris',
    sky: 'clear',
    celsius: 21,
  });
  const answered = await client.responses.create({
    model: DEMO_MODEL_ID,
    previous_response_id: asked.id,
    input: [
      {
        type: 'function_call_output',
        call_id: call.call_id,
        output: toolResult,
      },
    ],
    tools,
  });
  console.log(`   → ${answered.output_text}\n`);
}

/** Step 3: history by previous_response_id, then the stored input items. */
async function showFollowUp(client: OpenAI, firstId: string): Promise<void> {
  console.log(
    '3. A previous_response_id follow-up (the gateway keeps the history):',
  );
  const followUp = await client.responses.create({
    model: DEMO_MODEL_ID,
    previous_response_id: firstId,
    input: 'What did I just say?',
  });
  console.log(`   → ${followUp.output_text}`);
  const items = await client.responses.inputItems.list(followUp.id);
  console.log(
    `   stored input items of ${followUp.id}: ${items.data.length}\n`,
  );
}

/** Steps 4 and 5: the gateway runs an MCP tool itself, in both endpoints. */
async function showMcpTools(client: OpenAI): Promise<void> {
  console.log(
    '4. An MCP tool run by the gateway (server-everything over stdio), in /v1/responses:',
  );
  const response = await client.responses.create({
    model: DEMO_MODEL_ID,
    input: 'Use the echo tool to say "hello from MCP"',
  });
  for (const item of response.output) {
    if (item.type === 'mcp_list_tools') {
      const names = item.tools.map((tool) => tool.name);
      console.log(
        `   mcp_list_tools  ${item.server_label}: ${names.length} tools (${names.slice(0, 4).join(', ')}, …)`,
      );
    } else if (item.type === 'mcp_call') {
      console.log(
        `   mcp_call        ${item.server_label}.${item.name}(${item.arguments}) → ${item.output ?? JSON.stringify(item.error)}`,
      );
    }
  }
  console.log(`   → ${response.output_text}\n`);

  console.log(
    '5. The same in /v1/chat/completions (the client sees only the answer):',
  );
  const completion = await client.chat.completions.create({
    model: DEMO_MODEL_ID,
    messages: [
      { role: 'user', content: 'Use the echo tool to say "hi from chat"' },
    ],
  });
  console.log(`   → ${completion.choices[0]?.message.content}`);
}

/** Step 6: the Anthropic Messages API on the same model and MCP tool. */
async function showMessagesApi(client: Anthropic): Promise<void> {
  console.log(
    '\n6. The Anthropic Messages API (what Claude Code speaks), streamed, with the same MCP tool:',
  );
  const stream = client.messages.stream({
    model: DEMO_MODEL_ID,
    max_tokens: 256,
    messages: [
      { role: 'user', content: 'Use the echo tool to say "hi from Claude"' },
    ],
  });
  stream.on('streamEvent', (event) => {
    if (event.type === 'content_block_start') {
      process.stdout.write(`   ${event.content_block.type} block: `);
    } else if (event.type === 'content_block_stop') {
      process.stdout.write('\n');
    }
  });
  stream.on('text', (text) => process.stdout.write(text));
  stream.on('thinking', (text) => process.stdout.write(text));
  const message = await stream.finalMessage();
  console.log(
    `   → ${message.id}, stop_reason ${message.stop_reason}, ${message.usage.output_tokens} output tokens`,
  );
}

/** An `mcpServers` file that starts server-everything over stdio. */
async function writeMcpConfig(folder: string): Promise<string> {
  const packageJson = createRequire(import.meta.url).resolve(
    '@modelcontextprotocol/server-everything/package.json',
  );
  const path = join(folder, 'mcp.json');
  const server = {
    command: process.execPath,
    args: [join(dirname(packageJson), 'dist', 'index.js'), 'stdio'],
  };
  await writeFile(path, JSON.stringify({ mcpServers: { everything: server } }));
  return path;
}

function startGateway(
  upstreamBaseUrl: string,
  port: number,
  mcpConfigPath: string,
): ChildProcess {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  return spawn(process.execPath, [main], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      OPENAI_BASE_URL_INTERNAL: upstreamBaseUrl,
      MCP_SERVERS_CONFIG_PATH: mcpConfigPath,
      API_ADAPTER_HOST: '127.0.0.1',
      API_ADAPTER_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
  });
}

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway did not become healthy at ${url}`);
}

/** MCP servers connect in the background; the demo waits for its one. */
async function waitForMcpServer(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const response = await fetch(url, {
      headers: { authorization: 'Bearer demo' },
    });
    const body = (await response.json()) as { data?: { connected: boolean }[] };
    if (body.data?.every((server) => server.connected)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the MCP server did not connect (see ${url})`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
