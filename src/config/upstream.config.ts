import { registerAs } from '@nestjs/config';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import { readEnvironment } from './read-environment.js';

export const upstreamConfig = registerAs('upstream', () => {
  const env = readEnvironment().upstream;
  knownSecrets.add(env.OPENAI_API_KEY);
  return {
    baseUrl: env.OPENAI_BASE_URL_INTERNAL.replace(/\/+$/, ''),
    apiKey: env.OPENAI_API_KEY,
    connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
    readTimeoutMs: env.UPSTREAM_READ_TIMEOUT_MS,
    totalTimeoutMs: env.UPSTREAM_TOTAL_TIMEOUT_MS,
    maxEventBytes: env.UPSTREAM_MAX_EVENT_BYTES,
    maxBodyBytes: env.UPSTREAM_MAX_BODY_BYTES,
    maxAnswerBytes: env.UPSTREAM_MAX_ANSWER_BYTES,
  };
});
