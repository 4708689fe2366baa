import type { FastifyCorsOptions } from '@fastify/cors';

/** `*`, or a comma-separated list of `http(s)://host[:port]` origins. */
export const CORS_ORIGINS_PATTERN =
  /^\s*(\*|https?:\/\/[^\s,/]+\/?(\s*,\s*https?:\/\/[^\s,/]+\/?)*)\s*,?\s*$/;

/** `'*'` for any origin, else the exact origins (no trailing slash). */
export type CorsOrigins = '*' | string[];

/** The origins of `CORS_ORIGINS`; undefined when it is unset (CORS off). */
export function parseCorsOrigins(
  text: string | undefined,
): CorsOrigins | undefined {
  if (text === undefined || text.trim() === '') {
    return undefined;
  }
  if (text.trim() === '*') {
    return '*';
  }
  return text
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter((origin) => origin !== '');
}

/**
 * What `app.enableCors()` gets. No credentials: clients authenticate with a
 * Bearer header, never cookies. The methods cover the pass-through
 * (DELETE /v1/files/…, …). Allowed request headers are not listed: the
 * preflight's `access-control-request-headers` are reflected, so the
 * `x-stainless-*`, `openai-beta` and similar headers the openai SDK sends
 * pass without a list to keep current.
 */
export function corsOptions(origins: CorsOrigins): FastifyCorsOptions {
  return {
    origin: origins,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  };
}
