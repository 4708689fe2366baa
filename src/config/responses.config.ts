import { registerAs } from '@nestjs/config';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import { readEnvironment } from './read-environment.js';

export const responsesConfig = registerAs('responses', () => {
  const env = readEnvironment().responses;
  knownSecrets.add(env.COMPACTION_SECRET);
  return {
    eventNaming: env.RESPONSES_EVENT_NAMING,
    /** Undefined when unset (a random key per process). Secret. */
    compactionSecret: env.COMPACTION_SECRET,
    /** Turns a WebSocket may queue behind its running one. */
    wsMaxPendingTurns: env.WS_MAX_PENDING_TURNS,
    /** 0: WebSockets never time out. */
    wsIdleTimeoutMs: env.WS_IDLE_TIMEOUT_SECONDS * 1000,
    /** Background responses one replica runs at once. */
    backgroundMaxRuns: env.BACKGROUND_MAX_RUNS,
    /** Background responses one tenant runs at once on a replica. */
    backgroundMaxRunsPerKey: env.BACKGROUND_MAX_RUNS_PER_KEY,
    /** Seconds a background response's events are kept after its last one. */
    backgroundEventsTtlSeconds: env.BACKGROUND_EVENTS_TTL_SECONDS,
    /** Events kept per background response. */
    backgroundMaxEvents: env.BACKGROUND_MAX_EVENTS,
  };
});
