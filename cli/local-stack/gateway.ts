import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluatePolicies, type IamDecision, type PolicyDocument } from '../../core/access/iam-policy.ts';
import type { LocalIdentity } from './identities.ts';

/**
 * The local stand-in for IAM in front of S3 and SQS (fauxqs): every request names its access key in
 * its `Authorization` header; the gateway maps it to a local identity, evaluates that identity's role
 * policy (the same documents the CDK stack deploys) with its principal tags, and forwards the request
 * or answers 403 AccessDenied. For SendMessage it remembers which identity sent which message, so the
 * local event-source mapping can set the `SenderId` SQS would set. The stack's own operator key
 * (`operatorKey`, the deployer on AWS) passes unchecked, and its messages carry the account id.
 *
 * Not emulated: signature verification (local keys are printed, not secret) and DynamoDB (the CLI talks
 * to dynalite directly).
 */
export interface GatewayOptions {
  readonly upstream: string;
  readonly port: number;
  readonly region: string;
  readonly operatorKey: string;
  readonly identity: (accessKeyId: string) => LocalIdentity | undefined;
  readonly policy: (identity: LocalIdentity) => PolicyDocument;
  /** S3 bucket ARN prefix and SQS queue ARN of a queue name. */
  readonly queueArn: (queueName: string) => string;
}

export interface Gateway {
  readonly endpoint: string;
  /** The IAM unique id of the identity that sent a message (undefined: the operator or unknown). */
  senderOf(messageId: string): string | undefined;
  /**
   * Who last put an object, as S3 names it in an event's `userIdentity.principalId` (`AWS:<unique id>`;
   * undefined: the operator or nobody). Recorded when the authorized request is forwarded, so the
   * notification that follows the write always finds it.
   */
  putterOf(bucket: string, key: string): string | undefined;
  /** Requests refused so far (action, resource, identity). */
  readonly denied: { action: string; resource: string; identity: string }[];
  stop(): Promise<void>;
}

interface Classified {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

/** The IAM action and resource of an S3 (path-style) request. Pure. */
export function classifyS3(method: string, url: URL): Classified {
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const q = url.searchParams;
  const object = `arn:aws:s3:::${bucket}/${key}`;
  if (!key) {
    if (method === 'GET' && (q.has('list-type') || q.has('prefix') || [...q.keys()].length === 0))
      return { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': q.get('prefix') ?? '' } };
    if (method === 'GET' && q.has('versions')) return { action: 's3:ListBucketVersions', resource: `arn:aws:s3:::${bucket}` };
    return { action: `s3:${method === 'PUT' ? 'CreateBucket' : method === 'DELETE' ? 'DeleteBucket' : 'GetBucket*'}`, resource: `arn:aws:s3:::${bucket}` };
  }
  if (method === 'PUT' || method === 'POST') return { action: q.has('tagging') ? 's3:PutObjectTagging' : 's3:PutObject', resource: object };
  if (method === 'DELETE') return { action: q.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource: object };
  return { action: q.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject', resource: object };
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

const accessKeyOf = (req: IncomingMessage): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1] ??
  new URL(req.url ?? '/', 'http://x').searchParams.get('X-Amz-Credential')?.split('/')[0];

export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const upstream = new URL(o.upstream);
  const senders = new Map<string, string>();
  const putters = new Map<string, string>();
  // Object tags, which fauxqs does not keep: set by PutObject (x-amz-tagging) and PutObjectTagging, read
  // by the policy as s3:ExistingObjectTag/<key> on GetObject, as S3 does.
  const tags = new Map<string, Record<string, string>>();
  const denied: Gateway['denied'] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined, onResponse?: (status: number, text: string) => void) => {
    const proxied = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        if (!onResponse) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const text = Buffer.concat(chunks);
          onResponse(up.statusCode ?? 502, text.toString('utf8'));
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(text);
        });
      },
    );
    proxied.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    if (body) proxied.end(body);
    else req.pipe(proxied);
  };

  const deny = (res: ServerResponse, sqs: boolean, message: string) => {
    if (sqs) {
      res.writeHead(403, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'AccessDenied;Sender' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#AccessDeniedException', message }));
    } else {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${message.replace(/[<&>]/g, '')}</Message></Error>`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const target = req.headers['x-amz-target'];
    const sqs = typeof target === 'string' && target.startsWith('AmazonSQS.');
    const key = accessKeyOf(req);
    const who = key && key !== o.operatorKey ? o.identity(key) : undefined;
    if (key !== o.operatorKey && !who) return deny(res, sqs, `The access key ${key ?? '(none)'} is not a local identity.`);
    let body: Buffer | undefined;
    let request: Classified;
    if (sqs) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = Buffer.concat(chunks);
      const input = JSON.parse(body.toString('utf8') || '{}') as { QueueUrl?: string };
      const queueName = input.QueueUrl?.split('/').pop() ?? '*';
      request = { action: `sqs:${target.slice('AmazonSQS.'.length)}`, resource: o.queueArn(queueName) };
    } else {
      request = classifyS3(req.method ?? 'GET', new URL(req.url ?? '/', 'http://local'));
    }
    const objectOf = (r: Classified) => r.resource.slice('arn:aws:s3:::'.length);
    if (!sqs && (request.action === 's3:GetObject' || request.action === 's3:GetObjectVersion')) {
      const existing = tags.get(objectOf(request)) ?? {};
      request = {
        ...request,
        context: { ...request.context, ...Object.fromEntries(Object.entries(existing).map(([k, v]) => [`s3:ExistingObjectTag/${k}`, v])) },
      };
    }
    if (who) {
      const verdict: IamDecision = evaluatePolicies([o.policy(who)], {
        action: request.action,
        resource: request.resource,
        context: {
          'aws:userid': who.userId,
          ...Object.fromEntries(Object.entries(who.tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
          ...request.context,
        },
      });
      if (verdict.decision !== 'allow') {
        denied.push({ action: request.action, resource: request.resource, identity: who.name });
        return deny(res, sqs, `${who.name} (${who.role}) is not authorized to perform ${request.action} on ${request.resource} (${verdict.decision}).`);
      }
    }
    if (!sqs && request.action === 's3:PutObject') {
      const object = objectOf(request);
      if (who) putters.set(object, `AWS:${who.userId}`);
      else putters.delete(object);
      // A new object (not a part of a multipart upload) carries the tags of its request, or none.
      const url = new URL(req.url ?? '/', 'http://local');
      if (req.method === 'PUT' && !url.searchParams.has('uploadId')) {
        const header = req.headers['x-amz-tagging'];
        if (typeof header === 'string' && header) tags.set(object, Object.fromEntries(new URLSearchParams(header)));
        else tags.delete(object);
      }
    }
    if (!sqs && request.action === 's3:PutObjectTagging') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const xml = Buffer.concat(chunks).toString('utf8');
      const set: Record<string, string> = {};
      for (const m of xml.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)) set[unescapeXml(m[1]!)] = unescapeXml(m[2]!);
      tags.set(objectOf(request), set);
      res.writeHead(200, { 'content-length': '0' });
      res.end();
      return;
    }
    const sending = sqs && request.action === 'sqs:SendMessage' && who;
    forward(
      req,
      res,
      body,
      sending
        ? (status, text) => {
            if (status === 200) {
              const id = (JSON.parse(text) as { MessageId?: string }).MessageId;
              if (id) senders.set(id, who.userId);
            }
          }
        : undefined,
    );
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    senderOf: (id) => senders.get(id),
    putterOf: (bucket, key) => putters.get(`${bucket}/${key}`),
    denied,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
