import type { Dispatcher } from 'undici';
import { requestUrl } from './undici-parts.js';
import {
  authHeaders,
  upstreamUrl,
  type UpstreamTarget,
} from '../config/upstreams/upstream-target.js';

/**
 * GETs the upstream's `/models` once, with its key: the HTTP status it
 * answered, or null when it did not answer within `timeoutMs`. The health
 * probes (UpstreamHealthService) read it; no retry, no metric.
 */
export async function probeUpstream(
  dispatcher: Dispatcher,
  target: UpstreamTarget,
  timeoutMs: number,
): Promise<number | null> {
  try {
    const response = await requestUrl(upstreamUrl(target, '/models'), {
      dispatcher,
      method: 'GET',
      headers: authHeaders(target),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    return response.statusCode;
  } catch {
    return null;
  }
}
