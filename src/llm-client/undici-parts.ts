import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The parts of undici the gateway uses, each loaded from its own module.
 * undici's index loads all of the package (fetch, WebSocket, EventSource,
 * the caches, the mocks, every interceptor): 110 modules and 4.7 MiB of
 * heap, against 31 modules and 1.8 MiB for the Agent and its request API
 * (measured after a forced GC). Import undici's values from this file only
 * (lint enforces it); its types come from the package itself.
 */
const load = createRequire(import.meta.url);

/** undici's lib/ module `path`, failing at start-up, by name, if undici moved it. */
function part<T>(path: string, check: (value: unknown) => boolean): T {
  const value: unknown = load(`undici/lib/${path}.js`);
  if (!check(value)) {
    throw new Error(`undici/lib/${path}.js is not what the gateway expects`);
  }
  return value as T;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

export const Agent = part<typeof Undici.Agent>('dispatcher/agent', isFunction);
export type Agent = Undici.Agent;

export const buildConnector = part<typeof Undici.buildConnector>(
  'core/connect',
  isFunction,
);

const DispatcherBase = part<typeof Undici.Dispatcher>(
  'dispatcher/dispatcher',
  isFunction,
);
const api = part<Record<string, unknown>>(
  'api/index',
  (value) => typeof value === 'object' && value !== null,
);
// What undici's index does first of all: every dispatcher gets request(),
// stream(), pipeline()… (the same functions, if the index is loaded too).
Object.assign(DispatcherBase.prototype, api);

/**
 * undici's `request(url, { dispatcher, … })`, for an absolute URL: its
 * origin and path, then the dispatcher's own request().
 */
export function requestUrl(
  url: string,
  options: Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & {
    dispatcher: Undici.Dispatcher;
  },
): Promise<Undici.Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  const { dispatcher, ...rest } = options;
  // Its own keys first: a literal that adds keys after a spread gets a
  // hidden class of its own each time on Node 20 (see withFields).
  return dispatcher.request({ origin, path: `${pathname}${search}`, ...rest });
}
