import { Transform, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayException } from '../errors/gateway.exception.js';
import type {
  BodyReservation,
  InflightBodyBudget,
} from './inflight-body-budget.js';

/**
 * Routes whose body is streamed to the upstream as it arrives and not
 * held: the pass-through proxy's (src/proxy/proxy.routes.ts), unless
 * `readsStreamedBody` says it reads this one whole. Every other route
 * parses its body into memory, so it counts against the budget.
 */
const STREAMED_BODY_ROUTES: ReadonlySet<string> = new Set([
  '/v1/*',
  '/:upstream/v1/*',
]);

/**
 * The `retry-after` of an overloaded answer. Bodies are held until their
 * response ends, so a few seconds lets short requests finish; the OpenAI
 * SDKs honour it (up to 60 s) in their own retries.
 */
const OVERLOADED_RETRY_AFTER_SECONDS = 5;

type PreParsingDone = (error: Error | null, payload?: Readable) => void;

/**
 * A Fastify `preParsing` hook, so it runs after the key check and before a
 * byte of the body is read. A request whose declared `content-length` the
 * budget cannot hold now gets a 503 `server_overloaded` with `retry-after`
 * at once; a body without a length is counted chunk by chunk as it arrives
 * and refused the same way once it would go over. The request holds its
 * bytes until its response closes, however it ends. A body over the body
 * limit is left to Fastify's 413: retrying cannot help it.
 */
export function bodyAdmissionHook(
  budget: InflightBodyBudget,
  readsStreamedBody: (request: FastifyRequest) => boolean = () => false,
) {
  return (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: Readable,
    done: PreParsingDone,
  ): void => {
    // One read: each read of routeOptions builds the object anew.
    const { url: route, bodyLimit } = request.routeOptions;
    if (
      route === undefined ||
      (STREAMED_BODY_ROUTES.has(route) && !readsStreamedBody(request)) ||
      !hasBody(request)
    ) {
      done(null, payload);
      return;
    }
    const reservation = budget.reserve();
    reply.raw.once('close', () => reservation.release());
    const declared = declaredLength(request.headers['content-length']);
    if (declared === undefined) {
      done(null, countedBody(payload, reservation, bodyLimit));
    } else if (declared > bodyLimit || reservation.add(declared)) {
      done(null, payload);
    } else {
      done(overloaded());
    }
  };
}

/** HTTP/1.1: a request has a body only with a length or a transfer coding. */
function hasBody(request: FastifyRequest): boolean {
  return (
    request.headers['content-length'] !== undefined ||
    request.headers['transfer-encoding'] !== undefined
  );
}

/** The content-length as a number, when there is a valid one. */
function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header)) {
    return undefined;
  }
  return Number(header);
}

/**
 * `payload`, with each chunk reserved before the parser sees it. Once the
 * budget is full the body fails with the 503, and the rest of it is read
 * and dropped (never held), so the answer reaches the client and the
 * connection stays usable.
 */
function countedBody(
  payload: Readable,
  reservation: BodyReservation,
  bodyLimit: number,
): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > bodyLimit || reservation.add(chunk.length)) {
        callback(null, chunk);
        return;
      }
      payload.unpipe(counter);
      payload.resume();
      callback(overloaded());
    },
  });
  payload.once('error', (error) => counter.destroy(error));
  return payload.pipe(counter);
}

function overloaded(): GatewayException {
  return new GatewayException(
    'service_unavailable',
    'The gateway is holding as many request bodies as its memory budget allows. Retry after a few seconds.',
    {
      openAiCode: 'server_overloaded',
      retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS,
    },
  );
}
