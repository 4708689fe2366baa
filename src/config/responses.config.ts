import { registerAs } from '@nestjs/config';
import { readEnvironment } from './read-environment.js';

export const responsesConfig = registerAs('responses', () => {
  const env = readEnvironment().responses;
  return {
    eventNaming: env.RESPONSES_EVENT_NAMING,
    /** Undefined when unset (a random key per process). Secret. */
    compactionSecret: env.COMPACTION_SECRET,
  };
});
