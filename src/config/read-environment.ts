import { ConversationEnvironment } from './conversation.env.js';
import { parseEnvironment, type RawEnvironment } from './env-parsing.js';
import { ServerEnvironment } from './server.env.js';
import { UpstreamEnvironment } from './upstream.env.js';

/** Every environment group, validated. Add a group here when a feature adds settings. */
export interface GatewayEnvironment {
  server: ServerEnvironment;
  upstream: UpstreamEnvironment;
  conversation: ConversationEnvironment;
}

/** Thrown once at start-up, naming every bad key at once. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables: ${problems.join(', ')}`);
    this.name = InvalidEnvironmentError.name;
  }
}

/**
 * Validates the whole environment and returns it typed.
 * This module and ConfigModule's loader are the only readers of `process.env`.
 */
export function readEnvironment(
  raw: RawEnvironment = process.env,
): GatewayEnvironment {
  const server = parseEnvironment(ServerEnvironment, raw);
  const upstream = parseEnvironment(UpstreamEnvironment, raw);
  const conversation = parseEnvironment(ConversationEnvironment, raw);
  const problems = [
    ...server.errors,
    ...upstream.errors,
    ...conversation.errors,
  ];
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(problems);
  }
  return {
    server: server.value,
    upstream: upstream.value,
    conversation: conversation.value,
  };
}

/** The `validate` hook of ConfigModule.forRoot: fail the start on any bad key. */
export function validateEnvironment(
  raw: Record<string, unknown>,
): Record<string, unknown> {
  readEnvironment(raw as RawEnvironment);
  return raw;
}
