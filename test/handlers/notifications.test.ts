// Notifications to people: the SNS publisher (subject limits, filterable attributes, failures never thrown)
// and what the decision function publishes for each outcome.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { snsNotifier, snsSubject } from '../../functions/shared/aws/notifier.ts';
import { decisionNotification } from '../../functions/record-decision/authorize.ts';
import type { Notification } from '../../functions/shared/notifications.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:NotificationTopic';
const n: Notification = {
  event: 'item-waiting',
  projectId: 'wind-1',
  subject: 'Monitoring report 2023-01-01 – 2023-12-31 of wind-1 waits for review',
  id: 'a'.repeat(32),
  detail: { er: '12.5' },
};

describe('SNS notifier', () => {
  it('publishes the JSON body with event and project as message attributes, and an ASCII subject', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await snsNotifier(
      sns as unknown as SNSClient,
      TOPIC,
      () => undefined,
      () => new Date('2026-01-01T00:00:00Z'),
    ).publish(n);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      Subject: 'Monitoring report 2023-01-01 - 2023-12-31 of wind-1 waits for review',
      MessageAttributes: { event: { DataType: 'String', StringValue: 'item-waiting' }, projectId: { DataType: 'String', StringValue: 'wind-1' } },
    });
    expect(JSON.parse(input.Message!)).toEqual({ schemaVersion: 1, ...n, at: '2026-01-01T00:00:00.000Z' });
  });

  it('never fails the work: a publish error goes to onError', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).rejects(new Error('KMS key disabled'));
    const errors: string[] = [];
    await expect(
      snsNotifier(sns as unknown as SNSClient, TOPIC, (e, x) => errors.push(`${x.event}: ${(e as Error).message}`)).publish(n),
    ).resolves.toBeUndefined();
    expect(errors).toEqual(['item-waiting: KMS key disabled']);
  });

  it('keeps subjects within the 100 characters SNS accepts', () => {
    expect(snsSubject('x'.repeat(150))).toHaveLength(100);
    expect(snsSubject('ü – ok')).toBe('? - ok');
  });
});

describe('decision notifications', () => {
  const d = { schemaVersion: 1 as const, uploadId: 'b'.repeat(32), decision: 'approve' as const, decidedAt: '2026-01-01T00:00:00Z' };
  it('a recorded approval, a first approval pending technical review, and a refusal', () => {
    expect(decisionNotification(d, 'p', 'approved', 'Chris Checker', undefined)).toMatchObject({
      event: 'decision-recorded',
      subject: `Decision on ${'b'.repeat(12)}: approval recorded`,
      detail: { outcome: 'approved', by: 'Chris Checker' },
    });
    expect(decisionNotification(d, 'p', 'pending-technical-review', 'Vera', 'a second approval is needed')).toMatchObject({
      event: 'decision-recorded',
      subject: expect.stringContaining('pending technical review'),
    });
    expect(decisionNotification(d, 'p', 'refused-access', undefined, 'not assigned')).toMatchObject({
      event: 'decision-refused',
      subject: `Decision on ${'b'.repeat(12)}: approval refused`,
      detail: { reason: 'not assigned' },
    });
  });
});
