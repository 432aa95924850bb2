import { readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../args.ts';
import { loadProjectFile } from '../load.ts';
import { renderSummary } from '../render.ts';
import { runCalculation } from './calc.ts';
import type { Command } from './types.ts';

export const SAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../samples');

/** The bundled samples: every project under samples/projects and its uploads under samples/uploads/<project-id>/. */
export async function listSamples(): Promise<{ projectFile: string; projectId: string; files: string[] }[]> {
  const projects = (await readdir(join(SAMPLES_DIR, 'projects'))).filter((f) => f.endsWith('.json')).sort();
  const out = [];
  for (const p of projects) {
    const projectFile = join(SAMPLES_DIR, 'projects', p);
    const project = await loadProjectFile(projectFile, SAMPLES_DIR);
    const dir = join(SAMPLES_DIR, 'uploads', project.id);
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => !f.startsWith('.')).sort().map((f) => join(dir, f));
    out.push({ projectFile, projectId: project.id, files });
  }
  return out;
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the pipeline locally on the bundled samples and print each outcome',
  usage: 'mrv start [--once]',
  async run(argv, io) {
    parse(argv, { once: { type: 'boolean' } });
    const samples = await listSamples();
    let accepted = 0;
    let rejected = 0;
    for (const s of samples) {
      for (const file of s.files) {
        const result = await runCalculation({ project: s.projectFile, file: relative(io.cwd, file) }, io);
        io.out(renderSummary(result, { maxProblems: 5 }));
        io.out('');
        if (result.status === 'accepted') accepted++;
        else rejected++;
      }
    }
    io.out(`${accepted + rejected} sample files: ${accepted} accepted, ${rejected} rejected (the rejected ones are bad on purpose, to show the error report).`);
    return 0;
  },
};
