import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/built-app.js';

const run = promisify(execFile);

describe('npm run demo (dist/demo/run-demo.js)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('streams an answer, runs a tool round trip and follows up by previous_response_id', async () => {
    const { stdout } = await run(process.execPath, ['dist/demo/run-demo.js'], {
      cwd: ROOT,
      timeout: 60_000,
    });
    expect(stdout).toContain('[demo model, turn 1] You said: Hello, gateway!');
    expect(stdout).toMatch(/→ resp_[0-9a-f]+, status completed/);
    expect(stdout).toContain('the model called get_weather(');
    expect(stdout).toContain(
      'The tool answered: {"city":"Paris","sky":"clear","celsius":21}',
    );
    expect(stdout).toContain('Earlier you said: Hello, gateway!');
    // The gateway runs server-everything's echo tool itself, in both endpoints.
    expect(stdout).toMatch(/mcp_list_tools +everything: \d+ tools \(echo, /);
    expect(stdout).toContain(
      'mcp_call        everything.echo({"message":"hello from MCP"}) → Echo: hello from MCP',
    );
    expect(stdout).toContain('The tool answered: Echo: hi from chat');
    // The Anthropic SDK on /v1/messages, the MCP tool run by the gateway.
    expect(stdout).toContain(
      'text block: [demo model] The tool answered: Echo: hi from Claude',
    );
    expect(stdout).toMatch(
      /→ msg_[\w-]+, stop_reason end_turn, \d+ output tokens/,
    );
  }, 90_000);
});
