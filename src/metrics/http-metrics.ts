import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The `route` label of a request no route matched (a 404). */
const UNMATCHED_ROUTE = 'unmatched';
/** The `status` label of a response the connection closed before it ended (nginx's 499). */
const CLOSED_EARLY_STATUS = '499';

const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
  600,
];
const FIRST_BYTE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

type RequestLabels = 'route' | 'method' | 'status';
type WriteHead = ServerResponse['writeHead'];

/**
 * Requests by route pattern (never the raw URL, which would explode the
 * label set), method and status; their duration, their time to first byte,
 * and the requests and event streams open right now.
 */
export class HttpMetrics {
  private readonly requests: Counter<RequestLabels>;
  private readonly duration: Histogram<RequestLabels>;
  private readonly firstByte: Histogram<'route' | 'method'>;
  private readonly activeStreams: Gauge;
  private readonly inFlight: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'gateway_requests_total',
      help: 'HTTP requests by route pattern, method and status (499: the connection closed before the response ended).',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'gateway_request_duration_seconds',
      help: 'Time from the request to the end of its response (a whole stream), by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.firstByte = new Histogram({
      name: 'gateway_time_to_first_byte_seconds',
      help: 'Time from the request to the response headers (for a stream: its first event), by route and method.',
      labelNames: ['route', 'method'],
      buckets: FIRST_BYTE_BUCKETS,
      registers,
    });
    this.activeStreams = new Gauge({
      name: 'gateway_active_streams',
      help: 'Server-Sent Event responses open now (own streams and proxied ones).',
      registers,
    });
    this.inFlight = new Gauge({
      name: 'gateway_requests_in_flight',
      help: 'HTTP requests whose response has not ended yet.',
      registers,
    });
  }

  /**
   * Follows one request from its onRequest hook to the raw response's
   * 'close', which fires for every response: sent, hijacked for a stream,
   * or cut by a disconnect (Fastify's onResponse misses the last two).
   */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const startedAt = performance.now();
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const method = request.method;
    const raw = reply.raw;
    let streaming = false;
    this.inFlight.inc();
    // Node has no "headers sent" event, but every path to the wire (send,
    // hijack + writeHead, an implicit header on write/end) calls writeHead.
    const writeHead = raw.writeHead.bind(raw);
    raw.writeHead = ((...args: Parameters<WriteHead>) => {
      raw.writeHead = writeHead;
      this.firstByte.observe({ route, method }, secondsSince(startedAt));
      if (isEventStream(raw, args)) {
        streaming = true;
        this.activeStreams.inc();
      }
      return writeHead(...args);
    }) as WriteHead;
    raw.once('close', () => {
      this.inFlight.dec();
      if (streaming) {
        this.activeStreams.dec();
      }
      const status = raw.writableFinished
        ? String(raw.statusCode)
        : CLOSED_EARLY_STATUS;
      const labels = { route, method, status };
      this.requests.inc(labels);
      this.duration.observe(labels, secondsSince(startedAt));
    });
  }
}

function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/** True when the headers being written declare `text/event-stream`. */
function isEventStream(raw: ServerResponse, args: unknown[]): boolean {
  const headers = args.find(
    (arg): arg is OutgoingHttpHeaders =>
      typeof arg === 'object' && arg !== null && !Array.isArray(arg),
  );
  const fromArgs = headers
    ? Object.entries(headers).find(
        ([name]) => name.toLowerCase() === 'content-type',
      )?.[1]
    : undefined;
  const contentType = fromArgs ?? raw.getHeader('content-type');
  return String(contentType ?? '').startsWith('text/event-stream');
}
