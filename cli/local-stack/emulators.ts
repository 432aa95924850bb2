import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
// @ts-expect-error dynalite ships no type declarations
import dynaliteUntyped from 'dynalite';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { MrvError } from '../../core/errors.ts';

/** The slice of dynalite's server (a node http.Server that closes its LevelDB with it) used here. */
interface DynaliteServer {
  listen(port: number, host: string, cb: () => void): void;
  once(event: 'error', cb: (error: Error) => void): void;
  address(): AddressInfo | string | null;
  close(cb: (error?: Error) => void): void;
}
const dynalite = dynaliteUntyped as (options: Record<string, unknown>) => DynaliteServer;

export interface EmulatorOptions {
  /** fauxqs (S3 + SQS) port; 0 picks a free one. */
  readonly port: number;
  /** dynalite (DynamoDB) port; 0 picks a free one. */
  readonly dynamoPort: number;
  /** LevelDB folder for dynalite (state survives a restart); in memory when undefined. */
  readonly dynamoPath?: string;
  /**
   * Spy buffer of fauxqs. The S3 notification bridge reads upload events from it, so it must hold every
   * event between two reads of the bridge (SQS send/receive events share the buffer).
   */
  readonly spyBufferSize?: number;
}

export interface Emulators {
  readonly fauxqs: FauxqsServer;
  /** `http://127.0.0.1:<port>`: S3 and SQS (fauxqs). */
  readonly endpoint: string;
  /** `http://127.0.0.1:<port>`: DynamoDB (dynalite). */
  readonly dynamoEndpoint: string;
  stop(): Promise<void>;
}

/** A port in use or a state folder held by another stack: shown to the user as is (exit 2). */
export class EmulatorStartError extends MrvError {
  override name = 'EmulatorStartError';
  constructor(message: string) {
    super('local_stack.start', message);
  }
}

/**
 * One process per LevelDB folder: `<dir>.pid` holds the owner's pid (a stale file from a killed run
 * is taken over). Without it a second stack would get dynalite's uncaught "Database is closed".
 */
async function lockStateDir(dir: string): Promise<() => Promise<void>> {
  const file = `${dir}.pid`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(file, 'utf8').catch(() => ''));
      if (owner && owner !== process.pid && isAlive(owner))
        throw new EmulatorStartError(
          `${dir} is in use by another mrv start (pid ${owner}). Stop it first, or run with --once for a throw-away in-memory stack.`,
        );
      await rm(file, { force: true });
    }
  }
  throw new EmulatorStartError(`Cannot lock ${dir} (${file} keeps reappearing).`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts fauxqs 1.9.2 (S3 + SQS, in memory) and dynalite 4.0.0 (DynamoDB, in memory or LevelDB on disk)
 * in this process. npm packages only: no Docker, Java or Python (docs/toolchain.md §3).
 *
 * dynalite listens on 127.0.0.1. fauxqs 1.9.2 hard-codes `0.0.0.0` in `startFauxqs` (the library offers
 * no bind option), so its port is reachable from the local network while the stack runs.
 */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  if (options.dynamoPath) await mkdir(join(options.dynamoPath, '..'), { recursive: true });
  const unlock = options.dynamoPath ? await lockStateDir(options.dynamoPath) : async () => undefined;
  // Tables are ACTIVE at once (the provisioner still waits for ACTIVE: dynalite answers CREATING first).
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dynamoPath ? { path: options.dynamoPath } : {}) });
  const closeDynamo = async () => {
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    await unlock();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      dynamo.once('error', (error) => reject(new EmulatorStartError(describeListenError(error, 'DynamoDB (dynalite)', options.dynamoPort, '--dynamo-port'))));
      dynamo.listen(options.dynamoPort, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await unlock();
    throw error;
  }
  const dynamoPort = (dynamo.address() as AddressInfo).port;

  let fauxqs: FauxqsServer;
  try {
    fauxqs = await startFauxqs({ port: options.port, logger: false, messageSpies: { bufferSize: options.spyBufferSize ?? 5_000 } });
  } catch (error) {
    await closeDynamo();
    throw new EmulatorStartError(describeListenError(error as Error, 'S3 + SQS (fauxqs)', options.port, '--port'));
  }
  let stopped: Promise<void> | undefined;
  return {
    fauxqs,
    endpoint: `http://127.0.0.1:${fauxqs.port}`,
    dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
    stop() {
      stopped ??= (async () => {
        await fauxqs.stop();
        await closeDynamo();
      })();
      return stopped;
    },
  };
}

function describeListenError(error: Error, what: string, port: number, flag: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `Port ${port} for ${what} is in use (another mrv start?). Stop it, or choose another port with ${flag} <port>.`;
  return `${what} did not start: ${error.message}`;
}
