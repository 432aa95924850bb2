import { open, readFile, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { ProjectSchema, type Project } from '../core/project/project.ts';
import { UsageError } from './commands/types.ts';

/** Reads and checks a project registration file; every problem is listed (exit 2). */
export async function loadProjectFile(path: string, cwd: string): Promise<Project> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new UsageError(`project file ${path} cannot be read (does it exist?)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')); // a UTF-8 byte-order mark (Notepad, Excel) is not part of the JSON
  } catch (e) {
    throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = ProjectSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(
      `${path} is not a valid project registration:`,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  return parsed.data;
}

/** Opens a monitoring file as a byte stream after checking it exists (a missing file is exit 2). */
export async function openMonitoringFile(path: string, cwd: string): Promise<{ stream: AsyncIterable<Uint8Array>; size: number; full: string }> {
  const full = resolve(cwd, path);
  let size: number;
  try {
    const s = await stat(full);
    if (!s.isFile()) throw new Error('not a file');
    size = s.size;
  } catch {
    throw new UsageError(`monitoring file ${path} does not exist or is not a file`);
  }
  return { stream: createReadStream(full, { highWaterMark: 256 * 1024 }), size, full };
}

/** The last `length` bytes of a file (for the XLSX zip-bomb check). */
export async function readTail(path: string, size: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const n = Math.min(size, length);
    const buf = new Uint8Array(n);
    await handle.read(buf, 0, n, size - n);
    return buf;
  } finally {
    await handle.close();
  }
}
