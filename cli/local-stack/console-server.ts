import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { makeApi } from '../../functions/http-api/api.ts';
import { sqsDecisionQueue } from '../../functions/shared/aws/queues.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { principalFromSqsSenderId, type Principal } from '../../core/access/principal.ts';
import { createDataDeps } from '../../functions/http-api/deps.ts';
import { createAssemblyDeps } from '../../functions/assemble-report/deps.ts';
import { inProcessAssembly } from '../../functions/assemble-report/request.ts';
import { Unauthenticated } from '../../functions/http-api/principal.ts';
import { FIXED_IDENTITIES, siteIdentity, type LocalIdentity } from './identities.ts';

/**
 * The review console and its HTTP API on this machine: a Node HTTP server on 127.0.0.1 (never another
 * interface) that turns each request into the API Gateway HTTP API event (payload 2.0) and calls the
 * same handler as the Lambda (functions/http-api/api.ts), against the local stack's emulators.
 *
 * Authentication differs from AWS: instead of a Cognito JWT checked by API Gateway, each local identity
 * (./identities.ts: the verifier and the checker of the assigned body, a verifier of another body, the
 * site of a project) gets a random bearer token for the life of the server, printed by `npm start`
 * inside its console link. The token resolves to the identity's principal (`iam:<its unique id>`, as in
 * the access register), and from there on everything is the AWS code path: every route authorizes
 * with core/access `authorize()` against the access table, and decisions go to the decision queue with
 * the identity's own key, so the decision function authenticates them by SQS SenderId. A site identity
 * reads its project and assembles its monitoring reports (`POST /api/projects/{project}/monitoring-reports`),
 * which the server writes as the stack's assembly function does (operator credentials; in process, where
 * AWS invokes that function), audited under the site.
 */

export interface ConsoleIdentity {
  readonly identity: LocalIdentity;
  readonly principal: Principal;
  readonly token: string;
}

export interface ConsoleServer {
  readonly url: string;
  readonly identities: readonly ConsoleIdentity[];
  /** The identity called `name` (`verifier`, `checker`, `other-verifier`, `site.<project>`). */
  identity(name: string): ConsoleIdentity;
  /** The console link that signs `identity` in (the token travels in the fragment, never to the server's log). */
  linkFor(identity: ConsoleIdentity): string;
  stop(): Promise<void>;
}

export interface ConsoleServerOptions {
  /** 0 = a free port. */
  readonly port: number;
  /** The local stack's environment (resource names); the SDK endpoints are on process.env already. */
  readonly env: Readonly<Record<string, string>>;
  /** Projects whose site identities get a console link (their project read-only; they may assemble its monitoring reports). */
  readonly siteProjects?: readonly string[];
  readonly onError?: (error: unknown) => void;
}

const MAX_BODY = 64 * 1024;

/** The verifier identities of the local stack and the given sites, with fresh random tokens. */
export function consoleIdentities(siteProjects: readonly string[]): ConsoleIdentity[] {
  const token = () => randomBytes(24).toString('base64url');
  const people = [...FIXED_IDENTITIES.filter((i) => i.role === 'verifier'), ...siteProjects.map(siteIdentity)];
  return people.map((identity) => ({ identity, principal: principalFromSqsSenderId(identity.userId), token: token() }));
}

function authenticateLocal(identities: readonly ConsoleIdentity[], header: string | undefined): ConsoleIdentity {
  const m = /^Bearer ([\w-]{16,200})$/.exec(header ?? '');
  if (!m) throw new Unauthenticated('no bearer token: open the console with the link `npm start` printed');
  const given = Buffer.from(m[1]!);
  const found = identities.find((i) => {
    const expected = Buffer.from(i.token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!found) throw new Unauthenticated('unknown token (tokens change each time the local stack starts): use the link printed by this run');
  return found;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const identities = consoleIdentities(options.siteProjects ?? ['solar-rajasthan-in']);
  // Each identity sends its decisions with its own key, so the decision function authenticates them
  // (SQS SenderId = the identity's unique id) and authorizes them against the verifier register, as on AWS.
  const clients = new Map<string, SQSClient>();
  const sqsOf = (who: LocalIdentity) => {
    let c = clients.get(who.name);
    if (!c)
      clients.set(
        who.name,
        (c = new SQSClient({
          region: options.env.AWS_REGION ?? 'us-east-1',
          endpoint: options.env.AWS_ENDPOINT_URL,
          useQueueUrlAsEndpoint: false,
          credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey },
        })),
      );
    return c;
  };
  const byPrincipal = new Map(identities.map((i) => [i.principal.id, i]));
  const api = makeApi({
    ...createDataDeps(options.env),
    // No Lambda here: the assembly function's work (functions/assemble-report/request.ts, the same request
    // checks and the same assembleReport) runs in this process through the same port the API function
    // invokes the AssembleReportFunction through on AWS, with the operator's credentials of the local stack.
    assembly: inProcessAssembly(createAssemblyDeps(options.env)),
    authenticate: (event) => authenticateLocal(identities, event.headers?.authorization).principal,
    decisionsFor: (principal) => {
      const who = byPrincipal.get(principal.id)!.identity;
      return { queue: sqsDecisionQueue(sqsOf(who), options.env[ENV.decisionQueueUrl]!), senderId: who.userId };
    },
    onError: options.onError ?? ((error) => process.stderr.write(`[console] ${(error as Error)?.stack ?? String(error)}\n`)),
  });
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = req.method === 'POST' ? await readBody(req) : undefined;
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
        const event = {
          version: '2.0',
          routeKey: '$default',
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          headers,
          requestContext: {
            // As API Gateway's: one id per request (a refused assembly is audited under it).
            requestId: randomUUID(),
            http: {
              method: req.method ?? 'GET',
              path: url.pathname,
              protocol: 'HTTP/1.1',
              sourceIp: req.socket.remoteAddress ?? '',
              userAgent: headers['user-agent'] ?? '',
            },
          },
          ...(body !== undefined ? { body } : {}),
          isBase64Encoded: false,
        } as unknown as APIGatewayProxyEventV2;
        const r = await api(event);
        res.writeHead(r.statusCode ?? 200, r.headers as Record<string, string>);
        res.end(r.body === undefined ? undefined : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body);
      } catch (error) {
        res.writeHead(error instanceof RangeError ? 413 : 500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error instanceof RangeError ? error.message : 'internal error' }));
      }
    })();
  });
  // Loopback only: the local stack has no real authentication and must not be reachable from the network.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    identities,
    identity: (name) => {
      const found = identities.find((i) => i.identity.name === name);
      if (!found) throw new Error(`no console identity ${name}`);
      return found;
    },
    linkFor: (identity) => `${url}#token=${identity.token}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const c of clients.values()) c.destroy();
        server.close(() => resolve());
      }),
  };
}
