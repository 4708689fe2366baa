import { request as httpRequest, type IncomingMessage } from 'node:http';
import { waitUntil } from '../../support/wait-until.js';

// Clients of client-faults.e2e-spec.ts: one that leaves a stream at a
// chosen event, and one that reads very slowly.

/**
 * Opens a /v1/responses stream on its own connection and destroys it once
 * the event `leaveAfter` arrived, or (null) once `requestSeen()` says the
 * upstream has the request, before any header reached the client.
 */
export function leaveResponsesStream(
  baseUrl: string,
  body: unknown,
  leaveAfter: string | null,
  requestSeen: () => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}/v1/responses`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    const leave = (): void => {
      request.destroy();
      resolve();
    };
    request.on('error', (error) => {
      if (!request.destroyed) {
        reject(error);
      }
    });
    request.on('response', (response) => {
      if (leaveAfter === null) {
        reject(
          new Error(
            `headers arrived (${response.statusCode}) before the client left`,
          ),
        );
        return;
      }
      let buffer = '';
      response.on('data', (part: Buffer) => {
        buffer += part.toString('utf8');
        if (buffer.includes(`event: ${leaveAfter}\n`)) {
          leave();
        }
      });
    });
    request.end(JSON.stringify(body));
    if (leaveAfter === null) {
      void waitUntil(
        requestSeen,
        () => 'the upstream to receive the request',
      ).then(leave, reject);
    }
  });
}

/** POSTs `body` as JSON on its own connection; resolves with the response once its headers arrived. */
export function openStream(
  url: string,
  body: unknown,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    request.on('error', reject);
    request.on('response', resolve);
    request.end(JSON.stringify(body));
  });
}

/** Resolves once `value()` has not changed for `quietMs`. */
export async function waitUntilSteady(
  value: () => number,
  quietMs: number,
): Promise<void> {
  let last = value();
  let since = Date.now();
  await waitUntil(
    () => {
      const now = value();
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    () => `the value to settle (at ${value()})`,
    20_000,
  );
}

/** Reads the whole body, pausing 10 ms after every 256 KiB. */
export function readSlowly(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let sincePause = 0;
    response.on('data', (part: Buffer) => {
      parts.push(part);
      sincePause += part.length;
      if (sincePause >= 256 * 1024) {
        sincePause = 0;
        response.pause();
        setTimeout(() => response.resume(), 10);
      }
    });
    response.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    response.on('error', reject);
    response.resume();
  });
}
