import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SNSEvent } from 'aws-lambda';
import type { Notification } from '../shared/notifications.ts';
import { makeApi } from './api.ts';

let cached: ((event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>) | undefined;
let storeOnDecision: ((n: Notification) => Promise<boolean>) | undefined;

const isSns = (event: APIGatewayProxyEventV2 | SNSEvent): event is SNSEvent =>
  Array.isArray((event as SNSEvent).Records) && (event as SNSEvent).Records[0]?.EventSource === 'aws:sns';

/**
 * The Lambda entry point of the HTTP API; env and clients are built once per container. The same
 * function receives the notification topic's `decision-recorded` events (SNS subscription with a filter
 * policy) and stores the decided report's verification report (./store-reports.ts); a failure throws, so
 * SNS retries the delivery.
 */
export async function handler(event: SNSEvent): Promise<void>;
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
export async function handler(event: APIGatewayProxyEventV2 | SNSEvent): Promise<APIGatewayProxyStructuredResultV2 | void> {
  if (isSns(event)) {
    if (!storeOnDecision) {
      const [{ storeDecidedReports }, { createDataDeps }] = await Promise.all([import('./store-reports.ts'), import('./deps.ts')]);
      const { reports } = createDataDeps();
      storeOnDecision = (n) => storeDecidedReports(reports, n);
    }
    for (const record of event.Records) await storeOnDecision(JSON.parse(record.Sns.Message) as Notification);
    return;
  }
  cached ??= makeApi((await import('./deps.ts')).createDeps());
  return cached(event);
}
