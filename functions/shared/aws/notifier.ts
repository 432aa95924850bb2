import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { notificationBody, type Notification, type Notifier } from '../notifications.ts';

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[–—]/g, '-').replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 99)}~`;
}

/**
 * Publishes notifications to the pipeline's SNS topic (infra: NotificationTopic), with the `event` and
 * `projectId` as message attributes so a subscription can filter (a site on its project, a verification
 * body on `item-waiting`). A notification is a courtesy: a failed publish is reported to `onError` and
 * never fails the work that caused it.
 */
export function snsNotifier(
  sns: SNSClient,
  topicArn: string,
  onError: (error: unknown, n: Notification) => void,
  now: () => Date = () => new Date(),
): Notifier {
  return {
    async publish(n) {
      try {
        await sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: snsSubject(n.subject),
            Message: notificationBody(n, now().toISOString()),
            MessageAttributes: { event: { DataType: 'String', StringValue: n.event }, projectId: { DataType: 'String', StringValue: n.projectId } },
          }),
        );
      } catch (error) {
        onError(error, n);
      }
    },
  };
}
