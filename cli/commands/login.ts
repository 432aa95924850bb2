import { spawn } from 'node:child_process';
import { parse } from '../args.ts';
import { callerActor } from '../caller.ts';
import { apiError, currentLogin, httpApiClient } from '../login/http-api.ts';
import { decodeJwtClaims, loginConfig, loginWithBrowser, revokeSession } from '../login/oauth.ts';
import { deleteSession, LoginError, readSession, sessionPath, writeSession } from '../login/session.ts';
import { LOGIN_CALLBACK_PORTS, LOGIN_ENV } from '../login/settings.ts';
import { UsageError, type Command, type Io } from './types.ts';

const DEFAULT_TIMEOUT_SECONDS = 300;

/** Opens `url` in the desktop's browser (no shell: the URL is one argument). False when there is no opener. */
function openBrowser(url: string): Promise<boolean> {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

function ports(text: string | undefined): readonly number[] {
  if (text === undefined) return LOGIN_CALLBACK_PORTS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`--port ${JSON.stringify(text)}: expected a port number`);
  return [n];
}

export const loginCommand: Command = {
  name: 'login',
  summary: 'Sign in with your Cognito account (browser, MFA); commands then use the HTTP API as you',
  usage: [
    'mrv login [--open] [--port <n>] [--timeout <s>] [--domain <url>] [--client-id <id>] [--api-url <url>]',
    `  Prints a sign-in URL of the user pool's hosted UI (password and TOTP code); --open also opens it in a browser.`,
    `  The answer comes back to http://localhost:<port>/callback (ports ${LOGIN_CALLBACK_PORTS.join(', ')}, the first free one).`,
    `  Configuration: ${LOGIN_ENV.domain}, ${LOGIN_ENV.clientId}, ${LOGIN_ENV.apiUrl} (the stack outputs MrvAuthDomain, MrvCliClientId, MrvApiUrl).`,
    '  The tokens are stored with mode 0600 in $XDG_CONFIG_HOME/mrv/login.json (default ~/.config/mrv/login.json) and refreshed when they expire.',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      open: { type: 'boolean' },
      port: { type: 'string' },
      timeout: { type: 'string' },
      domain: { type: 'string' },
      'client-id': { type: 'string' },
      'api-url': { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const timeout = Number(values.timeout ?? DEFAULT_TIMEOUT_SECONDS);
    if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600)
      throw new UsageError(`--timeout ${JSON.stringify(values.timeout)}: expected seconds up to 3600`);
    const config = loginConfig(io.env, {
      ...(values.domain ? { domain: values.domain } : {}),
      ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
      ...(values['api-url'] ? { apiUrl: values['api-url'] } : {}),
    });
    try {
      let opened: Promise<boolean> | undefined;
      const session = await loginWithBrowser({
        config,
        ports: ports(values.port),
        timeoutMs: timeout * 1000,
        onUrl: (url, redirectUri) => {
          io.out(`Sign in (password and MFA code) at:\n\n  ${url}\n\nWaiting for the answer on ${redirectUri} (up to ${timeout} s)…`);
          if (values.open) opened = openBrowser(url);
        },
      });
      if (opened && !(await opened)) io.err('mrv login: could not open a browser; the URL above works in any browser on this machine.');
      const path = writeSession(io.env, session);
      const claims = decodeJwtClaims(session.idToken) ?? {};
      const who = [claims.email, claims['cognito:username']].find((v): v is string => typeof v === 'string');
      io.out(
        `Logged in${who ? ` as ${who}` : ''}${typeof claims.sub === 'string' ? ` (cognito:${claims.sub})` : ''}. Tokens stored in ${path} (mode 0600), valid until ${session.expiresAt}${session.refreshToken ? ', then refreshed' : ''}.`,
      );
      io.out('mrv review list|approve|reject now go through the HTTP API as you; mrv whoami shows who the API sees; mrv logout ends the login.');
      return 0;
    } catch (e) {
      if (e instanceof LoginError) {
        io.err(`mrv login: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};

export const logoutCommand: Command = {
  name: 'logout',
  summary: 'End the Cognito login of mrv login: revoke the refresh token and remove the stored tokens',
  usage: 'mrv logout',
  async run(argv, io) {
    const { positionals } = parse(argv, {});
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    let session;
    try {
      session = readSession(io.env);
    } catch (e) {
      if (!(e instanceof LoginError)) throw e;
      // A file we refuse to use is removed all the same.
    }
    const revoked = session ? await revokeSession(session) : false;
    const removed = deleteSession(io.env);
    if (!removed) {
      io.out('Not logged in: nothing to remove.');
      return 0;
    }
    io.out(
      `Logged out: ${sessionPath(io.env)} removed${session?.refreshToken ? (revoked ? '; the refresh token is revoked at the user pool' : '; the user pool did not confirm the revocation of the refresh token (it expires by itself)') : ''}.`,
    );
    return 0;
  },
};

/** What the API knows of the caller (`GET /api/me`). */
interface Me {
  readonly principal: string;
  readonly role: string;
  readonly name: string;
  readonly body?: string;
  readonly accreditationRef?: string;
  readonly projectId?: string;
}

function describeMe(me: Me): string {
  return `${me.principal}: ${me.role} ${me.name}${me.body ? ` (${me.body}${me.accreditationRef ? `, ${me.accreditationRef}` : ''})` : ''}${me.projectId ? ` (project ${me.projectId})` : ''}`;
}

async function whoami(io: Io): Promise<number> {
  const session = await currentLogin(io.env);
  if (!session) {
    const actor = callerActor(io.env);
    const forced = io.env[LOGIN_ENV.mode]?.trim().toLowerCase() === 'iam';
    io.out(
      `${forced ? `${LOGIN_ENV.mode}=iam` : 'Not logged in'}: commands use IAM credentials (${actor.principal}${actor.role ? `, ${actor.role} ${actor.name ?? ''}`.trimEnd() : ''}); decisions go to the decision queue, authenticated by SQS SenderId.`,
    );
    return 0;
  }
  const claims = decodeJwtClaims(session.idToken) ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as unknown[]).filter((g) => typeof g === 'string') : [];
  io.out(
    `Logged in with Cognito${str(claims.email) ? ` as ${str(claims.email)}` : ''}${str(claims.sub) ? ` (cognito:${str(claims.sub)})` : ''}${groups.length ? `, groups ${groups.join(', ')}` : ''}; tokens valid until ${session.expiresAt}; API ${session.apiUrl}`,
  );
  const answer = await httpApiClient(session).get<Me>('/api/me');
  if (answer.status === 200) {
    io.out(`The API sees you as ${describeMe(answer.body)}.`);
    return 0;
  }
  io.out(`The API does not know you (HTTP ${answer.status}: ${apiError(answer.body)}).`);
  return 1;
}

export const whoamiCommand: Command = {
  name: 'whoami',
  summary: 'Who mrv acts as: the Cognito login (and its record in the access register) or IAM credentials',
  usage: 'mrv whoami',
  async run(argv, io) {
    const { positionals } = parse(argv, {});
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    return whoami(io);
  },
};
