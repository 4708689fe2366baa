import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
} from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { CellCounter, CellHistogram } from './cell-metrics.js';
import { contextOf } from '../common/logging/request-context.js';
import { EVENT_STREAM_OPEN_CHANNEL } from '../common/sse/event-stream-channel.js';
import { ObjectSlot } from '../common/objects/object-slot.js';

/** The `route` label of a request no route matched (a 404). */
const UNMATCHED_ROUTE = 'unmatched';
/** The status of a response the connection closed before it ended (nginx's 499). */
const CLOSED_EARLY_STATUS = 499;

const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
  600,
];
const FIRST_BYTE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

type RequestLabels = 'route' | 'method' | 'status' | 'tenant';
type LabelSet<K extends string> = Readonly<Record<K, string>>;

/**
 * The label objects of one route and method, built once: a request passes
 * the same objects to prom-client instead of building its own.
 */
class RouteSeries {
  readonly firstByte: LabelSet<'route' | 'method'>;
  /** By status, then tenant label: both bounded. */
  private readonly byStatus = new Map<
    number,
    Map<string, LabelSet<RequestLabels>>
  >();

  constructor(
    private readonly route: string,
    private readonly method: string,
  ) {
    this.firstByte = { route, method };
  }

  ended(status: number, tenant: string): LabelSet<RequestLabels> {
    let byTenant = this.byStatus.get(status);
    if (byTenant === undefined) {
      byTenant = new Map();
      this.byStatus.set(status, byTenant);
    }
    let labels = byTenant.get(tenant);
    if (labels === undefined) {
      const { route, method } = this;
      labels = { route, method, status: `${status}`, tenant };
      byTenant.set(tenant, labels);
    }
    return labels;
  }
}

/** One request followed from onRequest to its response's 'close'. */
interface Observation {
  readonly series: RouteSeries;
  readonly request: FastifyRequest;
  readonly startedAt: number;
  firstByte: boolean;
  streaming: boolean;
}

/**
 * Requests by route pattern (never the raw URL, which would explode the
 * label set), method and status; their duration, their time to first byte,
 * and the requests and event streams open right now.
 *
 * The first byte is heard without touching the response: Fastify's onSend
 * for what Fastify sends, EVENT_STREAM_OPEN_CHANNEL for a hijacked event
 * stream (see install).
 */
export class HttpMetrics {
  private readonly requests: CellCounter<RequestLabels>;
  private readonly duration: CellHistogram<RequestLabels>;
  private readonly firstByte: CellHistogram<'route' | 'method'>;
  /** Route pattern, then method: bounded (patterns, and the methods Node parses). */
  private readonly series = new Map<string, Map<string, RouteSeries>>();
  private readonly observations = new ObjectSlot<ServerResponse, Observation>(
    'http metrics observation',
  );
  /** Read by the gauges at scrape time: no prom-client call per request. */
  private openRequests = 0;
  private openStreams = 0;

  /**
   * `tenantLabel` bounds the caller's key label (MetricLabels.tenant), which
   * the auth hook put in the request's context.
   */
  constructor(
    registry: Registry,
    private readonly tenantLabel: (label: string | undefined) => string,
  ) {
    const registers = [registry];
    this.requests = new CellCounter({
      name: 'gateway_requests_total',
      help: "HTTP requests by route pattern, method, status (499: the connection closed before the response ended) and tenant (the key's name, unnamed, or none).",
      labelNames: ['route', 'method', 'status', 'tenant'],
      registers,
    });
    this.duration = new CellHistogram({
      name: 'gateway_request_duration_seconds',
      help: 'Time from the request to the end of its response (a whole stream), by route, method, status and tenant.',
      labelNames: ['route', 'method', 'status', 'tenant'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.firstByte = new CellHistogram({
      name: 'gateway_time_to_first_byte_seconds',
      help: 'Time from the request to the response headers (for a stream: its first event), by route and method.',
      labelNames: ['route', 'method'],
      buckets: FIRST_BYTE_BUCKETS,
      registers,
    });
    const readOpenStreams = (): number => this.openStreams;
    const readOpenRequests = (): number => this.openRequests;
    new Gauge({
      name: 'gateway_active_streams',
      help: 'Server-Sent Event responses open now (own streams and proxied ones).',
      registers,
      collect() {
        this.set(readOpenStreams());
      },
    });
    new Gauge({
      name: 'gateway_requests_in_flight',
      help: 'HTTP requests whose response has not ended yet.',
      registers,
      collect() {
        this.set(readOpenRequests());
      },
    });
  }

  /**
   * Hears the first byte of `fastify`'s responses: its onSend hook for the
   * replies Fastify sends, the event-stream channel for hijacked streams,
   * until the app closes. Requests are followed from observe().
   */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onSend', this.onSend);
    subscribe(EVENT_STREAM_OPEN_CHANNEL, this.onEventStream);
    fastify.addHook('onClose', (_instance, done) => {
      unsubscribe(EVENT_STREAM_OPEN_CHANNEL, this.onEventStream);
      done();
    });
  }

  /**
   * Follows one request from its onRequest hook to the raw response's
   * 'close', which fires for every response: sent, hijacked for a stream,
   * or cut by a disconnect (Fastify's onResponse misses the last two).
   */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const raw = reply.raw;
    const observation: Observation = {
      series: this.seriesOf(
        request.routeOptions.url ?? UNMATCHED_ROUTE,
        request.method,
      ),
      request,
      startedAt: performance.now(),
      firstByte: false,
      streaming: false,
    };
    this.openRequests++;
    this.observations.set(raw, observation);
    raw.once('close', () => this.closed(raw, observation));
  }

  private readonly onSend: onSendHookHandler = (
    _request,
    reply,
    payload,
    done,
  ) => {
    const observation = this.observations.get(reply.raw);
    if (observation !== undefined) {
      this.sendsFirstByte(observation, isEventStream(reply));
    }
    done(null, payload);
  };

  /** A hijacked event stream wrote its headers; other apps' replies are not ours. */
  private readonly onEventStream = (message: unknown): void => {
    const raw = (message as FastifyReply).raw;
    const observation = this.observations.get(raw);
    if (observation !== undefined) {
      this.sendsFirstByte(observation, true);
    }
  };

  private sendsFirstByte(observation: Observation, eventStream: boolean): void {
    if (observation.firstByte) {
      return;
    }
    observation.firstByte = true;
    this.firstByte.observe(
      observation.series.firstByte,
      secondsSince(observation.startedAt),
    );
    if (eventStream) {
      observation.streaming = true;
      this.openStreams++;
    }
  }

  private closed(raw: ServerResponse, observation: Observation): void {
    this.openRequests--;
    if (observation.streaming) {
      this.openStreams--;
    }
    const status = raw.writableFinished ? raw.statusCode : CLOSED_EARLY_STATUS;
    const tenant = this.tenantLabel(contextOf(observation.request)?.tenant);
    const labels = observation.series.ended(status, tenant);
    this.requests.inc(labels);
    this.duration.observe(labels, secondsSince(observation.startedAt));
  }

  private seriesOf(route: string, method: string): RouteSeries {
    let byMethod = this.series.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.series.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (series === undefined) {
      series = new RouteSeries(route, method);
      byMethod.set(method, series);
    }
    return series;
  }
}

function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/** True when the reply declares `text/event-stream` (a proxied stream). */
function isEventStream(reply: FastifyReply): boolean {
  const contentType = reply.getHeader('content-type');
  return (
    typeof contentType === 'string' &&
    contentType.startsWith('text/event-stream')
  );
}
