import { existsSync } from 'node:fs';
import { ConversationEnvironment } from './conversation.env.js';
import { parseEnvironment, type RawEnvironment } from './env-parsing.js';
import { LifecycleEnvironment } from './lifecycle.env.js';
import { ResponsesEnvironment } from './responses.env.js';
import { SecurityEnvironment, securityProblems } from './security.env.js';
import { ServerEnvironment } from './server.env.js';
import { StorageEnvironment } from './storage.env.js';
import { UpstreamEnvironment } from './upstream.env.js';
import { UpstreamsEnvironment } from './upstreams.env.js';

/** Every environment group, validated. Add a group here when a feature adds settings. */
export interface GatewayEnvironment {
  server: ServerEnvironment;
  upstream: UpstreamEnvironment;
  conversation: ConversationEnvironment;
  upstreams: UpstreamsEnvironment;
  storage: StorageEnvironment;
  security: SecurityEnvironment;
  lifecycle: LifecycleEnvironment;
  responses: ResponsesEnvironment;
}

/** Thrown once at start-up, naming every bad key at once. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables: ${problems.join(', ')}`);
    this.name = InvalidEnvironmentError.name;
  }
}

/**
 * Loads `.env` from the working directory into `process.env`, never
 * overriding a variable that is already set (ConfigModule's rule too). main.ts
 * calls it first, so one check reports a bad key from either source.
 */
export function loadDotEnvFile(path = '.env'): void {
  if (existsSync(path)) {
    process.loadEnvFile(path);
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
  const upstreams = parseEnvironment(UpstreamsEnvironment, raw);
  const storage = parseEnvironment(StorageEnvironment, raw);
  const security = parseEnvironment(SecurityEnvironment, raw);
  const lifecycle = parseEnvironment(LifecycleEnvironment, raw);
  const responses = parseEnvironment(ResponsesEnvironment, raw);
  const problems = [
    ...server.errors,
    ...upstream.errors,
    ...conversation.errors,
    ...upstreams.errors,
    ...storage.errors,
    ...security.errors,
    ...lifecycle.errors,
    ...responses.errors,
    ...securityProblems(
      security.value,
      server.value.FORWARD_CLIENT_AUTH === true,
    ),
  ];
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(problems);
  }
  return {
    server: server.value,
    upstream: upstream.value,
    conversation: conversation.value,
    upstreams: upstreams.value,
    storage: storage.value,
    security: security.value,
    lifecycle: lifecycle.value,
    responses: responses.value,
  };
}

/** The `validate` hook of ConfigModule.forRoot: fail the start on any bad key. */
export function validateEnvironment(
  raw: Record<string, unknown>,
): Record<string, unknown> {
  readEnvironment(raw as RawEnvironment);
  return raw;
}
