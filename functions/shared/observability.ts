import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './resources.ts';

/** The slice of the Powertools Logger the functions use (tests pass a fake). */
export interface Log {
  info(message: string, ...extra: object[]): void;
  warn(message: string, ...extra: object[]): void;
  error(message: string, ...extra: object[]): void;
}

/** The slice of Powertools Metrics the functions use. */
export interface MetricSink {
  count(name: string, value?: number): void;
  flush(): void;
}

export function createObservability(serviceName: string): { logger: Log; metrics: MetricSink; powertoolsLogger: Logger } {
  const powertoolsLogger = new Logger({ serviceName });
  type Attributes = Exclude<Parameters<Logger['info']>[1], string | Error | undefined>;
  const attrs = (extra: object[]) => extra as Attributes[];
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    powertoolsLogger,
    logger: {
      info: (message, ...extra) => powertoolsLogger.info(message, ...attrs(extra)),
      warn: (message, ...extra) => powertoolsLogger.warn(message, ...attrs(extra)),
      error: (message, ...extra) => powertoolsLogger.error(message, ...attrs(extra)),
    },
    metrics: {
      count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
      flush: () => metrics.publishStoredMetrics(),
    },
  };
}

/** Discards everything (tests). */
export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
export const noMetrics: MetricSink = { count: () => undefined, flush: () => undefined };
