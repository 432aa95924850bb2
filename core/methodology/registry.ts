import { UnknownMethodologyError, MethodologyDefinitionError } from '../errors.ts';
import type { Methodology } from './define-methodology.ts';

export interface MethodologyRegistry {
  /** Every registered module, sorted by key. */
  readonly list: readonly Methodology[];
  /** The module `id@version`; throws {@link UnknownMethodologyError}. There is no "latest". */
  get(key: string): Methodology;
  has(key: string): boolean;
  /** All versions of one id. */
  versions(id: string): readonly Methodology[];
}

/**
 * A static registry: an explicit list, checked for duplicates once. No dynamic `import(path)`.
 *
 * @example export const registry = createRegistry([gridRenewable_1_0_0, fgasAbatement_1_0_0]);
 */
export function createRegistry(modules: readonly Methodology[]): MethodologyRegistry {
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
      if (!m) throw new UnknownMethodologyError(key, list.map((x) => x.key));
      return m;
    },
    versions: (id: string) => list.filter((m) => m.id === id),
  });
}
