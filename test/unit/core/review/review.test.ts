import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecisionSchema, ReviewItemSchema } from '../../../../core/review/schemas.ts';
import { transition } from '../../../../core/review/state.ts';
import { decide } from '../../../../core/review/submission.ts';
import { uploadIdOf } from '../../../../core/review/upload-id.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../events/review/${name}`, import.meta.url), 'utf8'));

describe('ReviewItemSchema v1', () => {
  it('keeps parsing the v1 fixture written by an earlier producer', () => {
    const item = ReviewItemSchema.parse(fixture('review-item.v1.json'));
    expect(item).toMatchObject({
      schemaVersion: 1,
      uploadId: 'af3cae0c6b5cbf00fb1f7a94bd810ade',
      methodology: { id: 'grid-renewable', version: '1.0.0' },
      issuable: { units: '744' },
      materiality: { percent: '2' },
    });
  });
  it('tolerates (drops) fields a newer producer adds, and refuses an unknown version', () => {
    const item = { ...fixture('review-item.v1.json'), addedLater: { x: 1 } };
    expect(ReviewItemSchema.parse(item)).not.toHaveProperty('addedLater');
    expect(ReviewItemSchema.safeParse({ ...item, schemaVersion: 2 }).success).toBe(false);
  });
  it('refuses a quantity given as a number (quantities are exact decimal strings)', () => {
    const item = fixture('review-item.v1.json');
    item.totals.ER = 744.744484;
    expect(ReviewItemSchema.safeParse(item).success).toBe(false);
  });
});

describe('DecisionSchema v1', () => {
  it('parses the v1 approve and reject fixtures', () => {
    expect(DecisionSchema.parse(fixture('decision-approve.v1.json')).decision).toBe('approve');
    expect(DecisionSchema.parse(fixture('decision-reject.v1.json')).reason).toMatch(/calibration/);
  });
  it('a rejection needs a reason; a verifier must be named; uploadId is 32 hex', () => {
    const reject = fixture('decision-reject.v1.json');
    const r = DecisionSchema.safeParse({ ...reject, reason: undefined });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['reason']);
    expect(DecisionSchema.safeParse({ ...reject, reason: '   ' }).success).toBe(false);
    expect(DecisionSchema.safeParse({ ...reject, verifier: ' ' }).success).toBe(false);
    expect(DecisionSchema.safeParse({ ...reject, uploadId: 'x' }).success).toBe(false);
  });
});

describe('review state machine', () => {
  it('pending → approved | rejected', () => {
    expect(transition('pending', { decision: 'approve' })).toEqual({ kind: 'apply', to: 'approved' });
    expect(transition('pending', { decision: 'reject' })).toEqual({ kind: 'apply', to: 'rejected' });
  });
  it('the same decision again is a no-op', () => {
    expect(transition('approved', { decision: 'approve' })).toEqual({ kind: 'noop', state: 'approved' });
    expect(transition('rejected', { decision: 'reject' })).toEqual({ kind: 'noop', state: 'rejected' });
  });
  it('a conflicting decision after a final one is refused', () => {
    expect(transition('approved', { decision: 'reject' })).toMatchObject({ kind: 'refuse' });
    expect(transition('rejected', { decision: 'approve' })).toMatchObject({ kind: 'refuse' });
  });
  it('a submission that failed validation cannot be decided', () => {
    expect(decide({ status: 'rejected' }, { decision: 'approve' })).toMatchObject({ kind: 'refuse', reason: expect.stringMatching(/not awaiting review/) });
    expect(decide({ status: 'pending-review' }, { decision: 'approve' })).toEqual({ kind: 'apply', to: 'approved' });
    const recorded = fixture('decision-approve.v1.json');
    expect(decide({ status: 'refused', decision: recorded }, { decision: 'approve' })).toMatchObject({ kind: 'noop' });
  });
});

describe('uploadIdOf', () => {
  it('is the first 32 hex of sha256(projectId:sha256), stable and project-specific', () => {
    const sha = '9a6ef50d29a93c82f896d73ac2f33869301f053896c17f52849c3b21662740a8';
    expect(uploadIdOf('fixture-hydro-reservoir', sha)).toBe('af3cae0c6b5cbf00fb1f7a94bd810ade');
    expect(uploadIdOf('other', sha)).not.toBe(uploadIdOf('fixture-hydro-reservoir', sha));
  });
});
