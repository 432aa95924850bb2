import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Methodology } from '../../core/methodology/types.ts';
import { PERIOD_BUILTINS } from '../../core/methodology/define-methodology.ts';
import { ConfigError } from '../../core/errors.ts';
import { registry } from '../../methodologies/index.ts';
import { parse } from '../args.ts';
import { checkCommand, docCommand, newCommand } from '../methodology-kit.ts';
import { UsageError, type Command } from './types.ts';
import { REPO_ROOT } from '../paths.ts';

export const METHODOLOGIES_DIR = join(REPO_ROOT, 'methodologies');

/** `id@version`, or `id` when exactly one version is registered. Never a silent "latest". */
export function pickMethodology(ref: string): Methodology {
  if (ref.includes('@')) return registry.get(ref);
  const versions = registry.versions(ref);
  const failed = registry.failures.filter((f) => f.key.startsWith(`${ref}@`));
  if (versions.length === 1 && !failed.length) return versions[0]!;
  if (!versions.length && failed.length === 1) return registry.get(failed[0]!.key);
  if (!versions.length) throw new ConfigError(`No methodology "${ref}" is registered. Run mrv methodologies for the list.`);
  throw new ConfigError(`${ref} has several versions (${versions.map((m) => m.version).join(', ')}): name one, e.g. ${versions.at(-1)!.key}.`);
}

export const methodologiesCommand: Command = {
  name: 'methodologies',
  summary: 'List the registered methodology modules',
  usage: 'mrv methodologies [--json]',
  async run(argv, io) {
    const { values } = parse(argv, { json: { type: 'boolean' } });
    if (values.json) {
      const loaded = registry.list.map((m) => ({
        key: m.key,
        status: 'loaded',
        title: m.title,
        source: m.source,
        mechanisms: m.mechanisms,
        hash: m.hash,
        ...(registry.supersededBy(m.key) ? { supersededBy: registry.supersededBy(m.key) } : {}),
      }));
      const failed = registry.failures.map((f) => ({ key: f.key, status: 'failed', reason: f.reason }));
      io.out(JSON.stringify([...loaded, ...failed], null, 2));
      return failed.length ? 2 : 0;
    }
    const width = Math.max(...registry.list.map((m) => m.key.length), ...registry.failures.map((f) => f.key.length));
    for (const m of registry.list)
      io.out(
        `${m.key.padEnd(width)}  ${m.title} (${m.source.body} ${m.source.document} v${m.source.documentVersion}; ${m.mechanisms.join(', ')})${registry.supersededBy(m.key) ? ` — superseded by ${registry.supersededBy(m.key)!.by}` : ''}`,
      );
    for (const f of registry.failures) io.out(`${f.key.padEnd(width)}  FAILED TO LOAD: ${f.reason.split('\n').join(' ').slice(0, 300)}`);
    if (registry.failures.length)
      io.err(
        `mrv methodologies: ${registry.failures.length} module(s) failed to load; commands that need them are refused (exit 2). See mrv methodology check <key>.`,
      );
    return registry.failures.length ? 2 : 0;
  },
};

/** Plain-text description of a module: what a site must upload and what the module computes. */
export function describeMethodology(m: Methodology): string {
  const out: string[] = [];
  out.push(`${m.key}: ${m.title}`);
  out.push(`  source      ${m.source.body} ${m.source.document} version ${m.source.documentVersion}${m.source.url ? ` <${m.source.url}>` : ''}`);
  out.push(`  mechanisms  ${m.mechanisms.join(', ')}`);
  out.push(`  hash        ${m.hash}`);
  out.push('', 'Applicability:');
  for (const a of m.applicability) out.push(`  ${a.id} (${a.ref}): ${a.description}`);
  out.push('', `Monitoring columns (time column: ${m.timeColumn}):`);
  for (const c of m.columns) {
    const range = c.meta.min !== undefined || c.meta.max !== undefined ? ` [${c.meta.min ?? '−∞'}, ${c.meta.max ?? '∞'}]` : '';
    out.push(
      `  ${c.name.padEnd(16)} ${c.meta.kind.padEnd(9)} ${c.meta.unit.padEnd(10)}${c.meta.optional ? ' optional' : ''}${range}  ${c.meta.description}${c.meta.values ? ` (one of ${c.meta.values.join(', ')})` : ''}`,
    );
  }
  out.push('', 'Project parameters (in the registration\'s "parameters"):');
  for (const [field, schema] of Object.entries(m.project.shape)) out.push(`  ${field.padEnd(24)} ${(schema as { description?: string }).description ?? ''}`);
  out.push('', 'Fixed parameters:');
  for (const [name, p] of Object.entries(m.parameters))
    out.push(`  ${name.padEnd(16)} = ${p.value} ${p.unit}  range [${p.range[0]}, ${p.range[1]}]  ${p.description}; source: ${p.source}`);
  out.push('', 'Equations (row: per monitoring row, summed over the period; period: once, in exact decimals):');
  for (const e of [...m.rowEquations, ...m.periodEquations]) out.push(`  [${e.scope.padEnd(6)}] ${e.symbol} = ${e.expr}   [${e.unit}]  (${e.ref})`);
  if (m.rowChecks.length || m.periodChecks.length) {
    out.push('', 'Checks:');
    for (const c of [...m.rowChecks, ...m.periodChecks]) out.push(`  [${c.scope.padEnd(6)}] ${c.id}: ${c.assert}  (${c.ref}) — ${c.message}`);
  }
  out.push('', 'Emission terms (tonnes of gas × GWP of the set in force):');
  for (const t of m.emissions) out.push(`  ${t.category}  ${t.gas.padEnd(8)} ${t.symbol}`);
  out.push(
    '',
    `Built-in period symbols: ${Object.entries(PERIOD_BUILTINS)
      .map(([k, v]) => `${k} (${v})`)
      .join('; ')}`,
  );
  return out.join('\n');
}

const METHODOLOGY_USAGE = [
  'mrv methodology show <id>[@version] [--json]     describe a registered module',
  '       mrv methodology check <folder>                   run every conformance check on a module folder (✓/✗; exit 1 if one fails)',
  '       mrv methodology new <id> [--dir <dir>]           scaffold <dir>/<id>/1.0.0/ from methodologies/_template (default dir: methodologies)',
  '       mrv methodology doc <id>[@version]|<folder> [--write]   print the equations block (Markdown + LaTeX); --write embeds it in the README',
].join('\n');

export const methodologyCommand: Command = {
  name: 'methodology',
  summary: 'Show, check, scaffold or document a methodology module (show | check | new | doc)',
  usage: METHODOLOGY_USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'show': {
        const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
        if (positionals.length !== 1) throw new UsageError('name one methodology, e.g. grid-renewable@1.0.0');
        const m = pickMethodology(positionals[0]!);
        if (values.json) {
          io.out(
            JSON.stringify(
              {
                key: m.key,
                hash: m.hash,
                title: m.title,
                source: m.source,
                mechanisms: m.mechanisms,
                timeColumn: m.timeColumn,
                columns: m.columns,
                parameters: m.parameters,
                equations: m.equations,
                emissions: m.emissions,
                checks: m.checks ?? [],
                applicability: m.applicability.map(({ id, ref, description }) => ({ id, ref, description })),
              },
              null,
              2,
            ),
          );
        } else io.out(describeMethodology(m));
        return 0;
      }
      case 'check': {
        const { positionals } = parse(rest, {});
        if (positionals.length !== 1) throw new UsageError('name one module folder, e.g. mrv methodology check methodologies/grid-renewable/1.0.0');
        return checkCommand(positionals[0]!, io);
      }
      case 'new': {
        const { values, positionals } = parse(rest, { dir: { type: 'string' } });
        if (positionals.length !== 1) throw new UsageError('name the new module id, e.g. mrv methodology new landfill-gas');
        return newCommand(positionals[0]!, values.dir, io);
      }
      case 'doc': {
        const { values, positionals } = parse(rest, { write: { type: 'boolean' } });
        if (positionals.length !== 1)
          throw new UsageError('name one methodology (id[@version]) or module folder, e.g. mrv methodology doc grid-renewable@1.0.0 --write');
        return docCommand(positionals[0]!, values.write === true, io, pickMethodology);
      }
      default:
        throw new UsageError(sub ? `unknown sub-command "${sub}" (show, check, new, doc)` : 'name a sub-command: show, check, new or doc');
    }
  },
};

export const templateCommand: Command = {
  name: 'template',
  summary: 'Write a sample project.json and a monitoring file with the right header for a methodology',
  usage: 'mrv template <id>[@version] [--out <dir>] [--force]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { out: { type: 'string' }, force: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('name one methodology, e.g. grid-renewable@1.0.0');
    const m = pickMethodology(positionals[0]!);
    const fixtures = join(METHODOLOGIES_DIR, m.id, m.version, 'fixtures');
    const outDir = resolve(io.cwd, values.out ?? '.');
    const projectOut = join(outDir, `${m.id}.project.json`);
    const monitoringOut = join(outDir, `${m.id}.monitoring.csv`);
    if (!values.force) {
      for (const f of [projectOut, monitoringOut]) {
        const exists = await access(f).then(
          () => true,
          () => false,
        );
        if (exists) throw new UsageError(`${f} exists; use --force to overwrite`);
      }
    }
    const project = JSON.parse(await readFile(join(fixtures, 'project.json'), 'utf8')) as Record<string, unknown>;
    const sample = (await readFile(join(fixtures, 'valid.csv'), 'utf8')).split(/\r?\n/).filter(Boolean);
    await mkdir(outDir, { recursive: true });
    await writeFile(projectOut, `${JSON.stringify({ ...project, id: `my-${m.id}`, name: `My ${m.title} project` }, null, 2)}\n`);
    // The fixture's own header and first rows: a file the module is known to accept, to edit from.
    await writeFile(monitoringOut, `${sample.slice(0, 4).join('\n')}\n`);
    io.out(
      `wrote ${projectOut}\nwrote ${monitoringOut}\ncolumns and units: ${m.columns.map((c) => `${c.name} (${c.meta.unit})`).join(', ')}\nnext: edit both, then run mrv calc --project ${projectOut} ${monitoringOut}`,
    );
    return 0;
  },
};
