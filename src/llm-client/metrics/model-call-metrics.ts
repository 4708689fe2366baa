import { Registry } from 'prom-client';
import { CellHistogram } from '../../metrics/cell-metrics.js';
import { MetricLabels } from '../../metrics/metric-labels.js';

/** How one model call ended: answered, failed, or cancelled by the client. */
export type ModelCallOutcome = 'ok' | 'error' | 'cancelled';

const CALL_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600,
];
const FIRST_TOKEN_BUCKETS = [
  0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120,
];

/**
 * Model calls per upstream and model: their whole duration (retries and
 * fallback included) and their time to first token (the first chunk the
 * upstream streamed). `upstream` and `model` only take values `labels`
 * knows, else `other`.
 */
export class ModelCallMetrics {
  private readonly duration: CellHistogram<'upstream' | 'model' | 'outcome'>;
  private readonly firstToken: CellHistogram<'upstream' | 'model'>;

  constructor(
    registry: Registry,
    private readonly labels: MetricLabels,
  ) {
    const registers = [registry];
    this.duration = new CellHistogram({
      name: 'gateway_model_call_duration_seconds',
      help: 'Model calls from the first upstream attempt to their last chunk, by upstream, model and outcome (ok, error, cancelled).',
      labelNames: ['upstream', 'model', 'outcome'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.firstToken = new CellHistogram({
      name: 'gateway_time_to_first_token_seconds',
      help: 'Streamed model calls: time from the first upstream attempt to the first chunk, by upstream and model.',
      labelNames: ['upstream', 'model'],
      buckets: FIRST_TOKEN_BUCKETS,
      registers,
    });
  }

  /** Metrics that count into a registry nobody reads (no MetricsService). */
  static detached(): ModelCallMetrics {
    return new ModelCallMetrics(new Registry(), new MetricLabels());
  }

  /** One finished call; `firstTokenSeconds` is null for a non-streamed one or one without chunks. */
  observe(call: {
    upstream: string;
    model: string;
    outcome: ModelCallOutcome;
    seconds: number;
    firstTokenSeconds: number | null;
  }): void {
    const upstream = this.labels.upstream.of(call.upstream);
    const model = this.labels.model.of(call.model);
    this.duration.observe(
      { upstream, model, outcome: call.outcome },
      call.seconds,
    );
    if (call.firstTokenSeconds !== null) {
      this.firstToken.observe({ upstream, model }, call.firstTokenSeconds);
    }
  }
}
