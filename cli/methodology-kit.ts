/**
 * The file-system side of the methodology authoring kit: `mrv methodology check | new | doc`.
 * The checks themselves are pure (core/kit/conformance.ts); this file reads a module folder,
 * loads its `methodology.ts`, writes scaffolds and READMEs, and prints.
 */
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MethodologyDefinitionError } from '../core/errors.ts';
import { checkModuleFiles, checkFixtures, MODULE_ID, passed, type CheckResult, type ModuleFiles } from '../core/kit/conformance.ts';
import type { Methodology } from '../core/methodology/types.ts';
import { embedEquations, renderEquationsMarkdown } from '../core/methodology/render-doc.ts';
import { UsageError, type Io } from './commands/types.ts';
import { REPO_ROOT } from './paths.ts';

export const METHODOLOGIES_ROOT = join(REPO_ROOT, 'methodologies');
/** The skeleton that `mrv methodology new` copies (never registered; its own test keeps it working). */
export const TEMPLATE_DIR = join(METHODOLOGIES_ROOT, '_template', '1.0.0');
const TEMPLATE_ID = 'template';

/**
 * A module imports `#core/…`, which Node resolves through the "imports" of the nearest package.json:
 * outside this repository it cannot load. Scratch copies belong under `.mrv/tmp/` (gitignored).
 */
function requireInsideRepo(path: string, what: string): void {
  const rel = relative(REPO_ROOT, path);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new UsageError(
      `${what} must lie inside this repository (${REPO_ROOT}): a module's #core/… imports resolve through the repository package.json. For a scratch copy use a folder under .mrv/tmp/ (gitignored)`,
    );
}

const readIfPresent = (path: string) =>
  readFile(path, 'utf8').then(
    (t) => t,
    () => undefined,
  );
const isDirectory = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Reads the README, the test and the fixtures of a module folder (missing files stay undefined). */
export async function readModuleFolder(folder: string): Promise<ModuleFiles> {
  const [readme, test, valid, invalid, invalidExpected, expected, project] = await Promise.all(
    [
      'README.md',
      'methodology.test.ts',
      'fixtures/valid.csv',
      'fixtures/invalid.csv',
      'fixtures/invalid.expected.json',
      'fixtures/expected.json',
      'fixtures/project.json',
    ].map((f) => readIfPresent(join(folder, f))),
  );
  const defined = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    folderPath: folder,
    ...defined('readme', readme),
    ...defined('test', test),
    fixtures: {
      ...defined('valid', valid),
      ...defined('invalid', invalid),
      ...defined('invalidExpected', invalidExpected),
      ...defined('expected', expected),
      ...defined('project', project),
    },
  };
}

const isMethodology = (x: unknown): x is Methodology =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as Methodology).key === 'string' &&
  typeof (x as Methodology).hash === 'string' &&
  Array.isArray((x as Methodology).rowEquations);

let typeScriptLoader: Promise<void> | undefined;
/**
 * The prebuilt CLI (dist/cli, see cli/build.mjs) runs plain JavaScript: to load a module folder's
 * methodology.ts it registers tsx's loader first, once. From the sources (tsx, vitest) it is already there.
 */
function ensureTypeScriptLoader(): Promise<void> {
  if (process.env.MRV_PREBUILT !== '1') return Promise.resolve();
  typeScriptLoader ??= import('tsx/esm/api').then(({ register }) => void register());
  return typeScriptLoader;
}

/**
 * Loads `<folder>/methodology.ts` by dynamic import.
 *
 * Why a dynamic import here, when the pipeline forbids `import(path)` (house-style §3.3)? The
 * registry (methodologies/index.ts) is the only way a module reaches a calculation, an upload or the
 * ledger, and it stays static. This is an authoring tool: it checks a module that is not registered
 * yet (that is its point: check before you register), run by the author on their own machine, and
 * nothing it computes is stored or issued. The module's `#core/…` imports resolve through the
 * repository's package.json "imports", so the folder must lie inside this repository.
 *
 * Returns the module, or the `definition` check failed with every problem `defineMethodology` found.
 */
export async function loadModuleFolder(folder: string): Promise<{ ok: true; methodology: Methodology } | { ok: false; check: CheckResult }> {
  const title = 'the module loads: defineMethodology accepts it (ids, units, declared symbols, parameters)';
  const file = join(folder, 'methodology.ts');
  try {
    await ensureTypeScriptLoader();
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    if (!isMethodology(mod.default))
      return { ok: false, check: { id: 'definition', title, problems: ['methodology.ts has no default export made by defineMethodology(…)'] } };
    return { ok: true, methodology: mod.default };
  } catch (e) {
    // By name as well as class: a module loaded from its TypeScript source has its own copy of core/errors.ts
    // when the CLI itself runs prebuilt.
    if (
      e instanceof MethodologyDefinitionError ||
      ((e as Error)?.name === 'MethodologyDefinitionError' && Array.isArray((e as MethodologyDefinitionError).problems))
    )
      return { ok: false, check: { id: 'definition', title, problems: (e as MethodologyDefinitionError).problems } };
    const message = (e as Error).message?.split('\n')[0] ?? String(e);
    const hint = /#core|#test|imports/.test(message)
      ? ' (a module folder must lie inside this repository: its #core/… imports resolve through the repository package.json)'
      : '';
    return { ok: false, check: { id: 'definition', title, problems: [`methodology.ts cannot be loaded: ${message}${hint}`] } };
  }
}

/** Resolves a module folder argument and checks it holds a methodology.ts (else a usage error, exit 2). */
export async function moduleFolder(arg: string, cwd: string): Promise<string> {
  const folder = resolve(cwd, arg);
  if (!(await isDirectory(folder))) throw new UsageError(`${arg} is not a folder (give the module version folder, e.g. methodologies/grid-renewable/1.0.0)`);
  if (!(await exists(join(folder, 'methodology.ts'))))
    throw new UsageError(`${arg} has no methodology.ts (give the module version folder, e.g. methodologies/grid-renewable/1.0.0)`);
  requireInsideRepo(folder, `the module folder ${arg}`);
  return folder;
}

function printCheck(io: Io, c: CheckResult): void {
  if (c.skipped) io.out(`  - ${c.title} (skipped: ${c.skipped})`);
  else io.out(`  ${passed(c) ? '✓' : '✗'} ${c.title}`);
  for (const p of c.problems) io.out(`      ${p}`);
}

/** `mrv methodology check <folder>`: every conformance check, ✓/✗; exit 0 when all pass, 1 otherwise. */
export async function checkCommand(arg: string, io: Io): Promise<number> {
  const folder = await moduleFolder(arg, io.cwd);
  const shown = relative(io.cwd, folder) || '.';
  const loaded = await loadModuleFolder(folder);
  if (!loaded.ok) {
    io.out(`${shown}: the module does not load`);
    printCheck(io, loaded.check);
    io.out('\n1 check failed; the other checks need a module that loads. Fix the problems above and run the check again.');
    return 1;
  }
  const m = loaded.methodology;
  io.out(`${m.key} (${shown})`);
  printCheck(io, { id: 'definition', title: 'the module loads: defineMethodology accepts it (ids, units, declared symbols, parameters)', problems: [] });
  const files = await readModuleFolder(folder);
  const checks = [...checkModuleFiles({ methodology: m, ...files }), ...(await checkFixtures({ methodology: m, ...files }))];
  for (const c of checks) printCheck(io, c);
  const failed = checks.filter((c) => c.problems.length);
  const skipped = checks.filter((c) => !c.problems.length && c.skipped);
  io.out(
    `\n${checks.length + 1} checks: ${checks.length + 1 - failed.length - skipped.length} passed, ${failed.length} failed${skipped.length ? `, ${skipped.length} skipped` : ''}.`,
  );
  if (failed.length) io.out(`Failed: ${failed.map((c) => c.id).join(', ')}.`);
  return failed.length || skipped.length ? 1 : 0;
}

/**
 * Writes the equations block into a module README (between the markers). Returns whether the file
 * changed. Throws a usage error when the README or its markers are missing.
 */
export async function writeEquations(readmePath: string, m: Methodology): Promise<boolean> {
  const readme = await readIfPresent(readmePath);
  if (readme === undefined) throw new UsageError(`${readmePath} does not exist`);
  const embedded = embedEquations(readme, m);
  if (!embedded.ok) throw new UsageError(`${readmePath}: ${embedded.problem}`);
  if (embedded.text === readme) return false;
  await writeFile(readmePath, embedded.text);
  return true;
}

const humanise = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/-/g, ' ');

/** The entry that registers a module in the MODULES list of methodologies/index.ts. */
export function registrationLines(id: string, version: string): { entryLine: string } {
  return { entryLine: `['${id}@${version}', () => import('./${id}/${version}/methodology.ts')],` };
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full, base)));
    else out.push(relative(base, full));
  }
  return out.sort();
}

/** Rewrites the template's id and title in one file of the scaffold. */
function rewrite(file: string, text: string, id: string): string {
  const title = `${humanise(id)} (new module: describe what it covers)`;
  let out = text.replaceAll(`${TEMPLATE_ID}@1.0.0`, `${id}@1.0.0`);
  if (file === 'methodology.ts') {
    out = out.replace(`id: '${TEMPLATE_ID}',`, `id: '${id}',`).replace(/title: '[^']*',/, `title: ${JSON.stringify(title).replace(/^"|"$/g, "'")},`);
  }
  if (file === 'README.md') out = out.replace(/^# .*$/m, `# ${id}@1.0.0 — ${title}`);
  if (file === 'fixtures/project.json') out = out.replace(`"fixture-${TEMPLATE_ID}"`, JSON.stringify(`fixture-${id}`.slice(0, 63)));
  return out;
}

/** `mrv methodology new <id> [--dir <dir>]`: scaffolds `<dir>/<id>/1.0.0/` from the template. */
export async function newCommand(id: string, dirArg: string | undefined, io: Io): Promise<number> {
  if (!MODULE_ID.test(id))
    throw new UsageError(`"${id}" is not a valid module id: use kebab-case (lowercase letters, digits, single hyphens), e.g. landfill-gas`);
  if (id === TEMPLATE_ID) throw new UsageError(`"${TEMPLATE_ID}" is the skeleton's own id; choose the id of your methodology`);
  const dir = dirArg === undefined ? METHODOLOGIES_ROOT : resolve(io.cwd, dirArg);
  requireInsideRepo(dir, `--dir ${dirArg ?? dir}`);
  const moduleDir = join(dir, id);
  const target = join(moduleDir, '1.0.0');
  if (await exists(moduleDir))
    throw new UsageError(
      `${relative(io.cwd, moduleDir) || moduleDir} already exists; nothing was written. A new version of an existing module is a new version folder (copy the latest one): see methodologies/README.md, "Releasing a new version"`,
    );
  await mkdir(target, { recursive: true });
  try {
    await cp(TEMPLATE_DIR, target, { recursive: true, errorOnExist: true, force: false });
    const files = await listFiles(target);
    for (const f of files) {
      const full = join(target, f);
      const text = await readFile(full, 'utf8');
      const next = rewrite(f.split('\\').join('/'), text, id);
      if (next !== text) await writeFile(full, next);
    }
    // The id and title are part of the module hash: re-render the README block for the new module.
    const loaded = await loadModuleFolder(target);
    if (loaded.ok) await writeEquations(join(target, 'README.md'), loaded.methodology);
    else io.err(`warning: the new module does not load yet:\n${loaded.check.problems.map((p) => `  - ${p}`).join('\n')}`);
  } catch (e) {
    await rm(moduleDir, { recursive: true, force: true });
    throw e;
  }
  const shown = relative(io.cwd, target) || target;
  const { entryLine } = registrationLines(id, '1.0.0');
  const files = await listFiles(target);
  io.out(
    [
      `created ${shown}/ from the template (${files.join(', ')})`,
      '',
      'Next steps:',
      `  1. Write the methodology in ${shown}/methodology.ts: source, applicability, project parameters`,
      '     with units, monitoring columns with units, fixed parameters with value/unit/source/range,',
      '     equations, emission terms (tonnes of one gas each), checks. Guide: methodologies/README.md.',
      '  2. Replace the fixtures (valid.csv, invalid.csv + invalid.expected.json, project.json) and work',
      '     fixtures/expected.json out by hand in README §7.',
      `  3. mrv methodology doc ${shown} --write      (renders the equations into README §6)`,
      `  4. mrv methodology check ${shown}            (every conformance check, ✓/✗)`,
      `  5. npx vitest run ${shown}`,
      '  6. Register it: add this entry to the MODULES list in methodologies/index.ts:',
      `       ${entryLine}`,
    ].join('\n'),
  );
  return 0;
}

/** A `doc` argument that names a folder rather than a registered `id[@version]`. */
export const looksLikePath = (ref: string) => /[\\/]/.test(ref) || ref === '.' || ref === '..';

/**
 * `mrv methodology doc <id>[@version] | <folder> [--write]`: prints the equations block rendered from
 * the expressions that run; `--write` embeds it in the module README between the markers.
 */
export async function docCommand(ref: string, write: boolean, io: Io, pick: (ref: string) => Methodology): Promise<number> {
  let m: Methodology;
  let folder: string;
  if (looksLikePath(ref)) {
    folder = await moduleFolder(ref, io.cwd);
    const loaded = await loadModuleFolder(folder);
    if (!loaded.ok) {
      io.err(`${ref}: the module does not load:\n${loaded.check.problems.map((p) => `  - ${p}`).join('\n')}`);
      return 1;
    }
    m = loaded.methodology;
  } else {
    m = pick(ref);
    folder = join(METHODOLOGIES_ROOT, m.id, m.version);
  }
  if (!write) {
    io.out(renderEquationsMarkdown(m));
    return 0;
  }
  const readme = join(folder, 'README.md');
  const changed = await writeEquations(readme, m);
  io.out(
    changed
      ? `updated the equations block of ${relative(io.cwd, readme) || readme} (${m.key})`
      : `${relative(io.cwd, readme) || readme} is up to date (${m.key})`,
  );
  return 0;
}
