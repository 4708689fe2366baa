import { registerAs } from '@nestjs/config';
import { readEnvironment } from './read-environment.js';

export const limitsConfig = registerAs('limits', () => {
  const env = readEnvironment().limits;
  return {
    /** Whether a limited key's request passes (`open`) or gets a 503 (`closed`) when Redis fails. */
    onStoreFailure: env.RATE_LIMIT_ON_STORE_FAILURE,
    /** The output tokens of the pre-call estimate when the request sets no maximum. */
    defaultOutputTokens: env.RATE_LIMIT_DEFAULT_OUTPUT_TOKENS,
  };
});
