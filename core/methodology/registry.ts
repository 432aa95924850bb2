import { MethodologyLoadError, UnknownMethodologyError, MethodologyDefinitionError } from '../errors.ts';
import type { Methodology } from './types.ts';

export interface MethodologyRegistry {
  /** Every registered module, sorted by key. */
  readonly list: readonly Methodology[];
  /** The module `id@version`; throws {@link UnknownMethodologyError}. There is no "latest". */
  get(key: string): Methodology;
  has(key: string): boolean;
  /** All versions of one id. */
  versions(id: string): readonly Methodology[];
  /** Modules that are registered but failed to load: listed, and refused by {@link get}. */
  readonly failures: readonly MethodologyLoadFailure[];
  /** The newer version that corrects `id@version`, and what it corrects; undefined when none does. */
  supersededBy(key: string): Supersession | undefined;
}

/**
 * A module version that a newer version corrects (a rule of the official text it got wrong, e.g. central
 * IPCC defaults where TOOL03 requires the upper bound). The old version stays registered and keeps
 * calculating for the projects registered under it (their approved entries pin its hash), but every
 * registration and calculation under it says so, naming the correction.
 */
export interface Supersession {
  /** `id@version` of the correcting module. */
  readonly by: string;
  /** What the old version gets wrong, with the official text. */
  readonly reason: string;
}

/** The line every registration, calculation and review under a superseded version shows. */
export function supersessionNote(key: string, s: Supersession): string {
  return `Methodology ${key} is superseded by ${s.by}: ${s.reason}. Results under ${key} stand for projects registered under it; register new projects under ${s.by}, and move existing ones (mrv project register --reason …) when their registered plan allows.`;
}

/** A registered module whose definition threw at load. */
export interface MethodologyLoadFailure {
  /** `id@version`, from the registration list. */
  readonly key: string;
  /** What the definition reported (every problem, for a MethodologyDefinitionError). */
  readonly reason: string;
}

/** One entry of a registration list: the module's key and a loader with a static import path. */
export type MethodologyLoader = readonly [key: string, load: () => Promise<{ default: Methodology }>];

/**
 * Loads every module of a registration list, each on its own: a module whose definition throws is
 * recorded as a failure (shown by `mrv methodologies`, refused by `get`) instead of taking every other
 * module, and every command, down with it.
 */
export async function loadRegistry(
  loaders: readonly MethodologyLoader[],
  superseded: Readonly<Record<string, Supersession>> = {},
): Promise<MethodologyRegistry> {
  const settled = await Promise.allSettled(loaders.map(([, load]) => load()));
  const modules: Methodology[] = [];
  const failures: MethodologyLoadFailure[] = [];
  settled.forEach((s, i) => {
    const key = loaders[i]![0];
    if (s.status === 'fulfilled') {
      if (s.value.default.key !== key)
        failures.push({ key, reason: `the module defines ${s.value.default.key}, not ${key}: fix the registration list in methodologies/index.ts` });
      else modules.push(s.value.default);
    } else failures.push({ key, reason: s.reason instanceof Error ? s.reason.message : String(s.reason) });
  });
  return createRegistry(modules, failures, superseded);
}

/**
 * A static registry: an explicit list, checked for duplicates once. No dynamic `import(path)`.
 *
 * @example export const registry = createRegistry([gridRenewable_1_0_0, fgasAbatement_1_0_0]);
 */
export function createRegistry(
  modules: readonly Methodology[],
  failures: readonly MethodologyLoadFailure[] = [],
  superseded: Readonly<Record<string, Supersession>> = {},
): MethodologyRegistry {
  const byKey = new Map<string, Methodology>();
  for (const m of modules) {
    if (byKey.has(m.key)) throw new MethodologyDefinitionError(m.key, ['registered twice']);
    byKey.set(m.key, m);
  }
  const list = [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
  return Object.freeze({
    list,
    has: (key: string) => byKey.has(key),
    get(key: string) {
      const m = byKey.get(key);
      const failed = failures.find((f) => f.key === key);
      if (!m && failed) throw new MethodologyLoadError(key, failed.reason);
      if (!m)
        throw new UnknownMethodologyError(
          key,
          list.map((x) => x.key),
        );
      return m;
    },
    versions: (id: string) => list.filter((m) => m.id === id),
    failures: Object.freeze([...failures]),
    supersededBy: (key: string) => (Object.hasOwn(superseded, key) ? superseded[key] : undefined),
  });
}
