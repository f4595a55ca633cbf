/**
 * The JSON shape of the metrics (the one the original SPANE served at `/metrics/json`): counters and
 * gauges summed over their labels, and histograms with count, sum and estimated percentiles.
 * @module
 */
import type { MetricObjectWithValues, MetricValue, MetricValueWithName } from 'prom-client';

/** A histogram's summary: percentiles are estimated from the buckets (linear within a bucket). */
export interface HistogramSummary {
  count: number;
  sum: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/** Every metric of a registry, by name. */
export interface MetricsJson {
  counters: Record<string, number>;
  gauges: Record<string, number>;
  histograms: Record<string, HistogramSummary>;
}

interface Bucket {
  le: number;
  count: number;
}

/** The value at quantile `q` of cumulative buckets (0 when empty). */
export function quantileFromBuckets(buckets: readonly Bucket[], total: number, q: number): number {
  if (total === 0) return 0;
  const rank = q * total;
  let previousLe = 0;
  let previousCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return previousLe;
      const inBucket = bucket.count - previousCount;
      const fraction = inBucket === 0 ? 0 : (rank - previousCount) / inBucket;
      return previousLe + (bucket.le - previousLe) * fraction;
    }
    previousLe = bucket.le;
    previousCount = bucket.count;
  }
  return previousLe;
}

function summarize(values: readonly MetricValueWithName<string>[], name: string): HistogramSummary {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const value of values) {
    if (value.metricName === `${name}_bucket`) {
      const le = value.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(value.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + value.value);
    } else if (value.metricName === `${name}_count`) count += value.value;
    else if (value.metricName === `${name}_sum`) sum += value.value;
  }
  const sorted = [...buckets].map(([le, n]) => ({ le, count: n })).sort((a, b) => a.le - b.le);
  return {
    count,
    sum,
    p50: quantileFromBuckets(sorted, count, 0.5),
    p90: quantileFromBuckets(sorted, count, 0.9),
    p95: quantileFromBuckets(sorted, count, 0.95),
    p99: quantileFromBuckets(sorted, count, 0.99),
  };
}

/** Turns `registry.getMetricsAsJSON()` into {@link MetricsJson}. */
export function toMetricsJson(
  metrics: readonly MetricObjectWithValues<MetricValue<string>>[],
): MetricsJson {
  const json: MetricsJson = { counters: {}, gauges: {}, histograms: {} };
  for (const metric of metrics) {
    const type = String(metric.type);
    if (type === 'histogram') {
      json.histograms[metric.name] = summarize(
        metric.values as MetricValueWithName<string>[],
        metric.name,
      );
    } else if (type === 'counter' || type === 'gauge') {
      const total = metric.values.reduce((sum, value) => sum + value.value, 0);
      json[type === 'counter' ? 'counters' : 'gauges'][metric.name] = total;
    }
  }
  return json;
}
