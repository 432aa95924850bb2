import { chmodSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MrvError } from '../../core/errors.ts';

/**
 * The stored Cognito login of `mrv login`: tokens plus the user pool, client and API they belong to,
 * in `$XDG_CONFIG_HOME/mrv/login.json` (default `~/.config/mrv/login.json`). The folder is created
 * 0700 and the file written 0600 (a temporary file renamed over the old one, so a reader never sees
 * half a file); a file that group or others may read is refused, as ssh refuses a readable key.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or plain http to this machine only: where a token may be sent. */
export function isSafeEndpoint(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}
const Endpoint = z.url().refine(isSafeEndpoint, 'must be https (plain http only on localhost)');

export const SessionSchema = z.object({
  schemaVersion: z.literal(1),
  /** Hosted-UI base URL the tokens came from (and where they are refreshed and revoked). */
  domain: Endpoint,
  clientId: z.string().min(1),
  /** The HTTP API the tokens are sent to. */
  apiUrl: Endpoint,
  /** Sent as `Authorization: Bearer …` (the console does the same; its `aud` is the client id, which the JWT authorizer checks). */
  idToken: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** When the id and access tokens expire (ISO 8601); refreshed a minute before. */
  expiresAt: z.iso.datetime({ offset: true }),
  obtainedAt: z.iso.datetime({ offset: true }),
});
export type Session = z.infer<typeof SessionSchema>;

export class LoginError extends MrvError {
  override name = 'LoginError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('login.failed', message, options);
  }
}

/** Where the login is stored for this environment. */
export function sessionPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return join(base, 'mrv', 'login.json');
}

const POSIX = process.platform !== 'win32';

/** The stored login, or undefined when there is none. Throws a LoginError for a file others may read or that is not a login. */
export function readSession(env: NodeJS.ProcessEnv): Session | undefined {
  const path = sessionPath(env);
  let stat;
  try {
    stat = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!stat.isFile()) throw new LoginError(`${path} is not a regular file: remove it and run mrv login again.`);
  if (POSIX && (stat.mode & 0o077) !== 0)
    throw new LoginError(
      `${path} may be read by other users (mode ${(stat.mode & 0o777).toString(8)}): its tokens are refused. Run mrv logout, then mrv login.`,
    );
  if (POSIX && typeof process.getuid === 'function' && stat.uid !== process.getuid())
    throw new LoginError(`${path} belongs to another user: its tokens are refused. Remove it and run mrv login.`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    json = undefined;
  }
  const parsed = SessionSchema.safeParse(json);
  if (!parsed.success) throw new LoginError(`${path} is not a login of this version of mrv: run mrv login again.`);
  return parsed.data;
}

/** Writes the login with mode 0600 in a 0700 folder. */
export function writeSession(env: NodeJS.ProcessEnv, session: Session): string {
  const path = sessionPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx': never through an existing file or link; the mode applies from creation on.
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(SessionSchema.parse(session), null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  if (POSIX) chmodSync(tmp, 0o600); // whatever the umask did
  renameSync(tmp, path);
  return path;
}

/** Removes the stored login; true when there was one. */
export function deleteSession(env: NodeJS.ProcessEnv): boolean {
  const path = sessionPath(env);
  try {
    lstatSync(path);
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}
