/**
 * What an optional monitoring column's absence means, per column and per site (issue 10 item 2).
 *
 * A module declares it in its folder (`column.optional(…, { absent: … })`, core/methodology/columns.ts)
 * and names the emission sources a site may lack (`sources` of the definition); a registration's
 * monitoring plan says which of them the site does not have (`"sources": { "diesel_backup": false }`).
 * The rule is one-sided, like every rule of a crediting system: a missing baseline-side quantity may
 * count as its minimum (less baseline is never more credit), a missing project-side or leakage
 * quantity is refused unless the site does not have its source.
 *
 * A column with no declaration (the older `{ default }` form) is read the conservative way: a
 * baseline-side number whose default is its minimum keeps it; any other column is treated as its own
 * source (`"sources": { "<column>": false }` allows leaving it out) — and the conformance suite says
 * what to declare.
 */
import type { ColumnMeta } from './columns.ts';
import type { EmissionSourceSpec } from './types.ts';

/** How the engine treats an optional column when it is absent from a file (or a cell is empty). */
export type AbsencePolicy =
  /** Absent means `value` at every site. */
  | { readonly kind: 'value'; readonly value: unknown; readonly declared: boolean }
  /** Absent only where the site does not have `source`; then `value`. Elsewhere refused. */
  | { readonly kind: 'source'; readonly source: string; readonly value: unknown; readonly declared: boolean };

interface ColumnLike {
  readonly name: string;
  readonly meta: ColumnMeta;
}

/** The lowest value of a baseline-side number: its declared minimum, or 0 for a quantity with none. */
const lowest = (meta: ColumnMeta) => meta.min ?? 0;

/** The policy of one optional column (undefined for a required column). */
export function absencePolicyOf(column: ColumnLike): AbsencePolicy | undefined {
  const { meta } = column;
  if (!meta.optional) return undefined;
  const a = meta.absence;
  if (a?.declared)
    return a.source !== undefined ? { kind: 'source', source: a.source, value: a.value, declared: true } : { kind: 'value', value: a.value, declared: true };
  // Not declared: conservative. Only a baseline-side number defaulting to its minimum may stay.
  if (a && meta.kind === 'number' && meta.side === 'baseline' && a.value === lowest(meta)) return { kind: 'value', value: a.value, declared: false };
  return { kind: 'source', source: column.name, value: a?.value, declared: false };
}

/**
 * Problems of the declared absences, for `defineMethodology` (each one a reason the module must not
 * load): a source not listed in `sources`, a project-side number that defaults without a source, a
 * baseline-side default that is not the minimum, a non-numeric default without its reason.
 */
export function absenceDefinitionProblems(columns: readonly ColumnLike[], sources: Readonly<Record<string, EmissionSourceSpec<never>>> | undefined): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const c of columns) {
    const a = c.meta.absence;
    if (!c.meta.optional || !a?.declared) continue;
    const where = `monitoring column ${c.name}: absent`;
    if (a.source !== undefined) {
      used.add(a.source);
      if (!sources || !(a.source in sources))
        problems.push(`${where}.source "${a.source}" is not listed in the definition's sources (add sources: { ${a.source}: { description: '…' } })`);
      continue;
    }
    if (c.meta.kind === 'number') {
      if (c.meta.side !== 'baseline')
        problems.push(
          `${where} = ${String(a.value)} at every site, but it is a ${c.meta.side ?? 'side-less'} quantity: a missing project-side or leakage quantity must not count as ${String(a.value)}; name the emission source it measures (absent: { source: '…', value: ${String(a.value)} }) so only a site without it may leave it out`,
        );
      else if (a.value !== lowest(c.meta))
        problems.push(
          `${where} = ${String(a.value)}, but a missing baseline-side quantity may only count as its minimum (${lowest(c.meta)}): more baseline would mean more credit`,
        );
    } else if (!(a.reason && a.reason.trim().length > 5))
      problems.push(`${where} = ${String(a.value)} needs a reason: say why ${String(a.value)} is the conservative reading of a missing ${c.name}`);
  }
  for (const [id, s] of Object.entries(sources ?? {})) {
    if (!/^[a-z][a-z0-9_]*$/.test(id)) problems.push(`source ${id}: ids are snake_case (diesel_backup)`);
    if (!(s.description?.trim().length > 5)) problems.push(`source ${id} has no description`);
    if (!used.has(id)) problems.push(`source ${id} is not named by any optional column (absent: { source: '${id}', … })`);
  }
  return problems;
}

/** Optional columns whose absence the module does not declare, with what the engine does instead (for the conformance suite). */
export function undeclaredAbsences(columns: readonly ColumnLike[]): string[] {
  const out: string[] = [];
  for (const c of columns) {
    const p = absencePolicyOf(c);
    if (!p || p.declared) continue;
    const side = c.meta.kind === 'number' ? `${c.meta.side ?? 'side-less'} ${c.meta.kind}` : c.meta.kind;
    const now =
      p.kind === 'value'
        ? `an absent ${c.name} counts as ${String(p.value)}`
        : `an absent ${c.name} is refused unless the registration declares "sources": { "${c.name}": false }`;
    out.push(
      `optional column ${c.name} (${side}) does not declare what its absence means; until it does, ${now}. Declare it: column.optional(…, { absent: { source: '<emission source>', value: 0 } }) for a project-side or leakage quantity, { absent: { value: <minimum> } } for a baseline-side one, { absent: { value, reason } } otherwise`,
    );
  }
  return out;
}

/** Every source id a registration may name for a module, with its description: declared sources, and the columns that stand for their own source. */
export function sourcesOf(columns: readonly ColumnLike[], sources: Readonly<Record<string, EmissionSourceSpec<never>>> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, s] of Object.entries(sources ?? {})) out.set(id, s.description);
  for (const c of columns) {
    const p = absencePolicyOf(c);
    if (p?.kind === 'source' && !out.has(p.source)) out.set(p.source, c.meta.description);
  }
  return out;
}

/** Registered `sources` entries that contradict what the module finds from the registered parameters. */
export function sourceContradictions(
  sources: Readonly<Record<string, EmissionSourceSpec<never>>> | undefined,
  registered: Readonly<Record<string, boolean>> | undefined,
  parameters: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  for (const [id, value] of Object.entries(registered ?? {})) {
    const spec = sources?.[id];
    if (!spec) continue;
    const at = spec.atSiteWhen?.(parameters as never);
    if (value === false && at) out.push(`sources.${id}: false contradicts the registered parameters: ${at}`);
    const notAt = spec.notAtSiteWhen?.(parameters as never);
    if (value === true && notAt) out.push(`sources.${id}: true contradicts the registered parameters: ${notAt}`);
  }
  return out;
}

/** Whether the site lacks a source: the reason when it does (from the module's own finding or the registration), undefined when the source must be reported. */
export function sourceAbsentBecause(
  source: string,
  spec: EmissionSourceSpec<never> | undefined,
  registered: Readonly<Record<string, boolean>> | undefined,
  parameters: Record<string, unknown>,
): string | undefined {
  if (spec?.atSiteWhen?.(parameters as never)) return undefined;
  const fromParameters = spec?.notAtSiteWhen?.(parameters as never);
  if (fromParameters) return fromParameters;
  if (registered?.[source] === false) return `the registration's monitoring plan says the site has no ${source} (sources.${source} = false)`;
  return undefined;
}
