import type { ThinkingSignature } from '../core/thinking-signature.js';

/** What the mapping to a chat request needs beyond the request itself. */
export interface ChatRequestContext {
  /** Tells the gateway's own thinking blocks from others (see toAssistantMessage). */
  signature: ThinkingSignature;
  /** Called for each thing left out (a server tool, an unknown block), for a log line. */
  dropped(what: string): void;
}
