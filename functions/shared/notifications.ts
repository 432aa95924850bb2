/**
 * Notifications to people: sites and verifiers subscribe to one SNS topic (infra: NotificationTopic)
 * and may filter on the `event` and `projectId` message attributes. The local stack prints them.
 * A notification is a courtesy, never part of the record: publishing failures are logged by the
 * caller's notifier and never fail the work that caused them (the durable state is in the tables
 * and the bucket).
 */
export const NOTIFICATION_EVENTS = ['report-ready', 'report-rejected', 'item-waiting', 'decision-recorded', 'decision-refused'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface Notification {
  readonly event: NotificationEvent;
  readonly projectId: string;
  /** One line a person reads in a mail subject or a chat message (SNS subjects are at most 100 characters). */
  readonly subject: string;
  /** The upload or monitoring report id the notification is about. */
  readonly id: string;
  /** Machine-readable details (units, ER, problems, ledger seq). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** The JSON body every channel carries (SNS message, webhook POST body). */
export function notificationBody(n: Notification, at: string): string {
  return JSON.stringify({ schemaVersion: 1, ...n, at });
}

/** Publishes to every notifier; one failing channel does not stop the others, and nothing throws. */
export function fanOut(notifiers: readonly Notifier[], onError: (error: unknown, n: Notification) => void): Notifier {
  return {
    async publish(n) {
      await Promise.all(
        notifiers.map(async (x) => {
          try {
            await x.publish(n);
          } catch (error) {
            onError(error, n);
          }
        }),
      );
    },
  };
}
