import { createHash } from 'node:crypto';
import type { AuditActor } from '../core/audit/audit.ts';
import { FIXED_IDENTITIES } from './local-stack/identities.ts';

/**
 * Who runs this CLI command, for the audit events the CLI itself writes (registrar actions). Locally:
 * the local identity of the access key. On AWS: the access key id, which CloudTrail maps to its
 * principal. Unlike decisions (authenticated by SQS, audited by the decision function), these events
 * are written with the registrar's own credentials: they record what the caller's credentials say.
 */
export function callerActor(env: NodeJS.ProcessEnv): AuditActor {
  const key = env.AWS_ACCESS_KEY_ID;
  if (!key) return { principal: 'unknown (default credential chain)' };
  const local = FIXED_IDENTITIES.find((i) => i.accessKeyId === key);
  if (local) return { principal: local.record.principal, role: local.role, name: local.record.name };
  if (key.startsWith('AKIALOCALSITE.')) return { principal: `local-site:${key.slice('AKIALOCALSITE.'.length)}`, role: 'site' };
  return { principal: `access-key:${key}` };
}

/** A stable event id for a CLI action (idempotent if the same command is retried with the same input). */
export const cliEventId = (...parts: string[]) => `cli:${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
