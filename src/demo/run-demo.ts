/* eslint-disable no-console -- the demo's whole purpose is to print to the terminal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { DEMO_MODEL_ID } from './demo-model.js';
import { startDemoUpstream } from './demo-upstream.js';

/**
 * `npm run demo`: the real gateway (dist/main.js) in front of the scripted
 * demo model, driven by the official openai client.
 */
async function main(): Promise<void> {
  const upstream = await startDemoUpstream();
  const port = await freePort();
  const gateway = startGateway(upstream.baseUrl, port);
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`);
    console.log(
      `Gateway on http://127.0.0.1:${port}, upstream: the scripted demo model at ${upstream.baseUrl}`,
    );
    console.log(
      '(No real LLM runs here: the demo model echoes, and calls a tool when you name it.)\n',
    );
    await runScript(
      new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'demo' }),
    );
  } finally {
    gateway.kill('SIGTERM');
    await upstream.close();
  }
}

async function runScript(client: OpenAI): Promise<void> {
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

  console.log(
    '3. A previous_response_id follow-up (the gateway keeps the history):',
  );
  const followUp = await client.responses.create({
    model: DEMO_MODEL_ID,
    previous_response_id: first.id,
    input: 'What did I just say?',
  });
  console.log(`   → ${followUp.output_text}`);
  const items = await client.responses.inputItems.list(followUp.id);
  console.log(
    `   stored input items of ${followUp.id}: ${items.data.length}\n`,
  );
}

function startGateway(upstreamBaseUrl: string, port: number): ChildProcess {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  return spawn(process.execPath, [main], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      OPENAI_BASE_URL_INTERNAL: upstreamBaseUrl,
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
