export { createNodeMetrics } from './node-metrics.js';
export type { NodeMetrics, NodeMetricsSources } from './node-metrics.js';
export { MetricsServerError, startMetricsServer } from './metrics-server.js';
export type { JsonRoute, MetricsServer, MetricsServerErrorCode } from './metrics-server.js';
