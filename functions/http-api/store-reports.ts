import { NotDecidedError } from '../../core/report/verification-report.ts';
import type { Notification } from '../shared/notifications.ts';
import { NotFoundError, verificationReportDocument, type ReportSources } from '../shared/verification-reports.ts';

/**
 * A recorded decision leaves its verification report (HTML and PDF) beside the reports at once, not
 * only when someone first opens it in the console: on AWS the HTTP API function is subscribed to the
 * notification topic's `decision-recorded` events; locally the stack calls this on the same events.
 * A first approval waiting for its independent review is not final: nothing is stored until the second.
 * Returns whether the reports are stored.
 */
export async function storeDecidedReports(sources: ReportSources, n: Pick<Notification, 'event' | 'projectId' | 'id'>): Promise<boolean> {
  if (n.event !== 'decision-recorded') return false;
  try {
    return (await verificationReportDocument(sources, n.projectId, n.id, 'html')).stored;
  } catch (error) {
    // Not decided yet (a redelivered or early event), or not this pipeline's submission: nothing to store.
    if (error instanceof NotDecidedError || error instanceof NotFoundError) return false;
    throw error;
  }
}
