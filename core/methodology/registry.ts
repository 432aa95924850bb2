import { MethodologyLoadError, UnknownMethodologyError, MethodologyDefinitionError } from '../errors.ts';
import type { Methodology } from './define-methodology.ts';

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
export async function loadRegistry(loaders: readonly MethodologyLoader[]): Promise<MethodologyRegistry> {
  const settled = await Promise.allSettled(loaders.map(([, load]) => load()));
  const modules: Methodology[] = [];
  const failures: MethodologyLoadFailure[] = [];
  settled.forEach((s, i) => {
    const key = loaders[i]![0];
    if (s.status === 'fulfilled') {
      if (s.value.default.key !== key) failures.push({ key, reason: `the module defines ${s.value.default.key}, not ${key}: fix the registration list in methodologies/index.ts` });
      else modules.push(s.value.default);
    } else failures.push({ key, reason: s.reason instanceof Error ? s.reason.message : String(s.reason) });
  });
  return createRegistry(modules, failures);
}

/**
 * A static registry: an explicit list, checked for duplicates once. No dynamic `import(path)`.
 *
 * @example export const registry = createRegistry([gridRenewable_1_0_0, fgasAbatement_1_0_0]);
 */
export function createRegistry(modules: readonly Methodology[], failures: readonly MethodologyLoadFailure[] = []): MethodologyRegistry {
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
      if (!m) throw new UnknownMethodologyError(key, list.map((x) => x.key));
      return m;
    },
    versions: (id: string) => list.filter((m) => m.id === id),
    failures: Object.freeze([...failures]),
  });
}
