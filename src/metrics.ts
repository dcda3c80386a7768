import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Everything Pulse reports at GET /metrics (Prometheus text format). */
export interface Metrics {
  registry: Registry;
  itemsIngested: Counter<'kind'>;
  fetchFailures: Counter<'reason'>;
  jobDuration: Histogram<'job' | 'status'>;
  jobRuns: Counter<'job' | 'status'>;
  classifications: Counter<'stance'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/** A fresh registry with Pulse's metrics (and Node's process metrics when `process` is set). */
export function createMetrics(opts: { process?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.process) collectDefaultMetrics({ register: registry, prefix: 'pulse_' });
  const registers = [registry];
  return {
    registry,
    itemsIngested: new Counter({ name: 'pulse_items_ingested_total', help: 'New items stored, by source kind', labelNames: ['kind'], registers }),
    fetchFailures: new Counter({ name: 'pulse_fetch_failures_total', help: 'Failed feed fetches, by reason', labelNames: ['reason'], registers }),
    jobDuration: new Histogram({
      name: 'pulse_job_duration_seconds',
      help: 'Job run durations, by job and outcome',
      labelNames: ['job', 'status'],
      buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    jobRuns: new Counter({ name: 'pulse_job_runs_total', help: 'Job runs, by job and outcome', labelNames: ['job', 'status'], registers }),
    classifications: new Counter({ name: 'pulse_classifications_total', help: 'Items labelled, by stance', labelNames: ['stance'], registers }),
    httpDuration: new Histogram({
      name: 'pulse_http_request_duration_seconds',
      help: 'HTTP request durations, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}
