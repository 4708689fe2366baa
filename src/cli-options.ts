import { parseArgs } from 'node:util';
import { formatSettingsHelp } from './config/settings-help.js';

/** The flags that are shorthands for environment variables. */
const FLAG_ENV: Record<string, string> = {
  upstream: 'OPENAI_BASE_URL_INTERNAL',
  port: 'API_ADAPTER_PORT',
  host: 'API_ADAPTER_HOST',
  'mcp-config': 'MCP_SERVERS_CONFIG_PATH',
};

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help'; text: string }
  | { kind: 'start'; env: Record<string, string> }
  | { kind: 'error'; message: string };

/**
 * Reads `open-responses-gateway [--upstream URL] [--port N] [--host H]
 * [--mcp-config FILE] [--help]`. Each flag becomes its environment variable
 * (a flag beats the environment); anything else is an error.
 */
export function parseCliArgs(args: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        upstream: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'mcp-config': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (parsed.values.help === true) {
    return { kind: 'help', text: usage() };
  }
  const env: Record<string, string> = {};
  for (const [flag, name] of Object.entries(FLAG_ENV)) {
    const value = (parsed.values as Record<string, unknown>)[flag];
    if (typeof value === 'string') {
      env[name] = value;
    }
  }
  return { kind: 'start', env };
}

/** The `--help` text: the flags, then every setting with its default. */
export function usage(): string {
  return [
    'Usage: open-responses-gateway [options]',
    '',
    'Starts the gateway. Every setting is an environment variable (also read',
    'from .env in the working directory); these flags set the common ones:',
    '',
    '  --upstream URL      OPENAI_BASE_URL_INTERNAL (Chat Completions base URL, with /v1)',
    '  --port N            API_ADAPTER_PORT',
    '  --host HOST         API_ADAPTER_HOST',
    '  --mcp-config FILE   MCP_SERVERS_CONFIG_PATH',
    '  -h, --help          This text',
    '',
    'Environment variables:',
    formatSettingsHelp(),
    '',
  ].join('\n');
}
