import { createAwsClients } from '../shared/aws/clients.ts';
import { dynamoSubmissions } from '../shared/aws/dynamo-repositories.ts';
import { dynamoLedgerStore } from '../shared/aws/ledger-store.ts';
import { snsNotifier } from '../shared/aws/notifier.ts';
import { s3ReportStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { createObservability } from '../shared/observability.ts';
import { ENV } from '../shared/resources.ts';
import { dynamoAccess } from '../shared/aws/access-store.ts';
import { dynamoAuditStore } from '../shared/aws/audit-store.ts';
import type { GateDeps } from './authorize.ts';
import { evidenceTagsFor } from '../shared/evidence-tags.ts';

export function createDeps(): GateDeps {
  const env = readEnv([ENV.bucket, ENV.submissionsTable, ENV.ledgerTable, ENV.accessTable, ENV.auditTable, ENV.notificationTopic]);
  const { s3, ddb, sns } = createAwsClients();
  const { logger, metrics } = createObservability('record-decision');
  const access = dynamoAccess(ddb, env[ENV.accessTable]);
  return {
    submissions: dynamoSubmissions(ddb, env[ENV.submissionsTable]),
    ledger: dynamoLedgerStore(ddb, env[ENV.ledgerTable]),
    reports: s3ReportStore(s3, env[ENV.bucket], { tagsFor: evidenceTagsFor(access) }),
    access,
    audit: dynamoAuditStore(ddb, env[ENV.auditTable]),
    // Optional: role ids of the HTTP API function(s) that forward people's decisions (see ./authorize.ts).
    trustedForwarders: (process.env.MRV_TRUSTED_FORWARDER_ROLE_IDS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    notifier: snsNotifier(sns, env[ENV.notificationTopic], (error, n) =>
      logger.warn('Notification not published', { event: n.event, id: n.id, error: (error as Error)?.message ?? String(error) }),
    ),
    now: () => new Date(),
    logger,
    metrics,
  };
}
