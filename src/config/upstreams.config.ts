import { registerAs } from '@nestjs/config';
import { credentialHeaderValues } from '../common/logging/credential-headers.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import {
  fallbackProblems,
  loadUpstreamsConfig,
  UpstreamsConfigError,
} from './upstreams/upstreams-config.parser.js';
import {
  OPENAI_AGENT_FORMAT,
  parseAgentFormat,
} from './agent-format-setting.js';
import { readEnvironment } from './read-environment.js';

export const upstreamsConfig = registerAs('upstreams', () => {
  const env = readEnvironment().upstreams;
  // Parsed here, the one reader of process.env, so each `api_key_env`
  // resolves; a bad file fails the start naming the upstream and field.
  const file = env.UPSTREAMS_CONFIG_PATH
    ? loadUpstreamsConfig(env.UPSTREAMS_CONFIG_PATH, process.env)
    : { upstreams: [] };
  for (const { target } of file.upstreams) {
    knownSecrets.add(target.apiKey, ...credentialHeaderValues(target.headers));
  }
  const fallback = env.UPSTREAM_FALLBACK ?? file.fallback;
  const problems = fallbackProblems(
    env.UPSTREAM_FALLBACK,
    file,
    'UPSTREAM_FALLBACK',
  );
  if (problems.length > 0) {
    throw new UpstreamsConfigError(
      env.UPSTREAMS_CONFIG_PATH ?? 'environment',
      problems,
    );
  }
  return {
    upstreams: file.upstreams,
    fallback,
    defaultToolCallFormat: env.TOOL_CALL_FORMAT.trim(),
    // Validated by the env schema, so it always parses.
    defaultAgentFormat:
      parseAgentFormat(env.DEFAULT_TOOL_CALL_TAGS) ?? OPENAI_AGENT_FORMAT,
    maxRetries: env.UPSTREAM_MAX_RETRIES,
    modelsCacheMs: env.MODELS_CACHE_SECONDS * 1000,
    /** 0: upstreams are never probed. */
    healthIntervalMs: env.UPSTREAM_PROBE_INTERVAL * 1000,
  };
});
