import { parseArgs } from 'node:util';
import { formatSettingsHelp } from './config/settings-help.js';
import { packageInfo } from './common/package-info.js';

/** The flags that are shorthands for environment variables. */
const FLAG_ENV: Record<string, string> = {
  upstream: 'OPENAI_BASE_URL_INTERNAL',
  port: 'API_ADAPTER_PORT',
  host: 'API_ADAPTER_HOST',
  'mcp-config': 'MCP_SERVERS_CONFIG_PATH',
  'upstreams-config': 'UPSTREAMS_CONFIG_PATH',
  // A file, never the keys themselves: a command line is visible in `ps`.
  'api-keys-file': 'GATEWAY_API_KEYS_FILE',
  'log-level': 'LOG_LEVEL',
};

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  | { kind: 'start'; env: Record<string, string> }
  | { kind: 'error'; message: string };

/**
 * Reads `open-responses-gateway [--upstream URL] [--port N] [--host H]
 * [--mcp-config FILE] [--upstreams-config FILE] [--api-keys-file FILE]
 * [--log-level LEVEL] [--help] [--version]`. Each setting flag becomes its
 * environment variable (a flag beats the environment); anything else is an
 * error.
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
        'upstreams-config': { type: 'string' },
        'api-keys-file': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (parsed.values.help === true) {
    return { kind: 'help', text: usage() };
  }
  if (parsed.values.version === true) {
    return {
      kind: 'version',
      text: `${packageInfo.name} ${packageInfo.version}\n`,
    };
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
function usage(): string {
  return [
    'Usage: open-responses-gateway [options]',
    '',
    'Starts the gateway. Every setting is an environment variable (also read',
    'from .env in the working directory); these flags set the common ones:',
    '',
    '  --upstream URL           OPENAI_BASE_URL_INTERNAL (Chat Completions base URL, with /v1)',
    '  --port N                 API_ADAPTER_PORT',
    '  --host HOST              API_ADAPTER_HOST',
    '  --mcp-config FILE        MCP_SERVERS_CONFIG_PATH',
    '  --upstreams-config FILE  UPSTREAMS_CONFIG_PATH (named upstreams, routes, fallback)',
    '  --api-keys-file FILE     GATEWAY_API_KEYS_FILE (one key a line)',
    '  --log-level LEVEL        LOG_LEVEL (fatal, error, warn, info, debug, trace, silent)',
    '  -h, --help               This text',
    '  -v, --version            The name and version',
    '',
    'Environment variables:',
    formatSettingsHelp(),
    '',
  ].join('\n');
}
