/**
 * ExportMetricsServiceRequest in OTLP/JSON: checked for shape and counted, not mapped (otel-mcp has no
 * metric model; see metrics-protobuf.ts).
 */
import {
  arrayField,
  asObject,
  at,
  jsonDecodeError,
  parseJsonDocument,
  resourceFrom,
  scopeFrom,
} from './common-json.js';
import type { CountedMetrics } from './metrics-protobuf.js';

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

export function countMetricsRequestJson(input: unknown): CountedMetrics {
  const messageName = 'ExportMetricsServiceRequest';
  const document = parseJsonDocument(input, messageName);
  const counted: CountedMetrics = { metrics: 0, dataPoints: 0 };
  try {
    arrayField(document, 'resourceMetrics').forEach((raw, i) =>
      at(`resourceMetrics[${i}]`, () => {
        const resourceMetrics = asObject(raw);
        resourceFrom(resourceMetrics);
        arrayField(resourceMetrics, 'scopeMetrics').forEach((rawScope, j) =>
          at(`scopeMetrics[${j}]`, () => {
            const scopeMetrics = asObject(rawScope);
            scopeFrom(scopeMetrics);
            arrayField(scopeMetrics, 'metrics').forEach((rawMetric, k) =>
              at(`metrics[${k}]`, () => {
                const metric = asObject(rawMetric);
                counted.metrics++;
                for (const kind of DATA_KINDS) {
                  if (metric[kind] === undefined || metric[kind] === null) continue;
                  at(kind, () => {
                    const points = arrayField(asObject(metric[kind]), 'dataPoints');
                    points.forEach((point, p) => at(`dataPoints[${p}]`, () => asObject(point)));
                    counted.dataPoints += points.length;
                  });
                }
              }),
            );
          }),
        );
      }),
    );
  } catch (error) {
    throw jsonDecodeError(error, messageName);
  }
  return counted;
}
