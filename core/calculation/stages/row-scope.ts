/**
 * The row scope: one slot per symbol a row equation can read (project symbols, fixed parameters, GWPs,
 * monitoring columns, enum flags, row equations), in an array the float slot evaluators read directly
 * (compileFloatSlots). The constants are also kept by name: the period scope starts from them.
 */
import type { CompiledEquation, Methodology } from '../../methodology/define-methodology.ts';
import { compileFloatSlots, UNSET, type SlotScope } from '../../expressions/float-slots.ts';

/** The symbol of an enum column's flag: `fuel_type_diesel` for `fuel_type` = `diesel`. */
export const flagName = (column: string, value: string): string => `${column}_${value.replace(/[^A-Za-z0-9]/g, '_')}`;

type Compilable = { parsed: CompiledEquation['parsed']; float?: CompiledEquation['float'] };

export class RowScope {
  readonly slotOf = new Map<string, number>();
  readonly slots: SlotScope;
  /** Constants by name (project symbols, fixed parameters, GWPs): the start of the period scope. */
  readonly constants = new Map<string, number | boolean>();
  /** CalibrationRule adjusts readings through a Map interface; this one reads and writes the slots. */
  readonly asMap: Map<string, number | boolean>;

  constructor(methodology: Methodology, parameters: Record<string, unknown>) {
    for (const symbol of methodology.projectSymbols.keys()) this.addSlot(symbol);
    for (const name of Object.keys(methodology.parameters)) this.addSlot(name);
    for (const symbol of methodology.gwpSymbols.keys()) this.addSlot(symbol);
    for (const c of methodology.rowInputs) this.addSlot(c);
    for (const c of methodology.columns) if (c.meta.kind === 'enum') for (const v of c.meta.values ?? []) this.addSlot(flagName(c.name, v));
    for (const eq of methodology.rowEquations) this.addSlot(eq.symbol);
    this.slots = new Array<unknown>(this.slotOf.size).fill(UNSET);
    for (const [symbol, ps] of methodology.projectSymbols) {
      const v = parameters[ps.field];
      if (ps.kind === 'enum-flag') this.setConstant(symbol, v === ps.option);
      else if (typeof v === 'number' || typeof v === 'boolean') this.setConstant(symbol, v);
    }
    for (const [name, p] of Object.entries(methodology.parameters)) this.setConstant(name, p.value);
    const { slotOf, slots } = this;
    const asMap = {
      get: (k: string) => {
        const i = slotOf.get(k);
        return i === undefined || slots[i] === UNSET ? undefined : slots[i];
      },
      set: (k: string, v: number | boolean) => {
        slots[slotOf.get(k)!] = v;
        return asMap;
      },
    };
    this.asMap = asMap as unknown as Map<string, number | boolean>;
  }

  private addSlot(name: string): void {
    if (!this.slotOf.has(name)) this.slotOf.set(name, this.slotOf.size);
  }

  setConstant(symbol: string, value: number | boolean): void {
    this.constants.set(symbol, value);
    const i = this.slotOf.get(symbol);
    if (i !== undefined) this.slots[i] = value;
  }

  /** The slot of a symbol (one the constructor laid out). */
  slot(symbol: string): number {
    return this.slotOf.get(symbol)!;
  }

  /** The set slots by name (for an equation the slot compiler does not cover). */
  private mapOfSlots(): Map<string, number | boolean> {
    const m = new Map<string, number | boolean>();
    for (const [name, i] of this.slotOf) if (this.slots[i] !== UNSET) m.set(name, this.slots[i] as number | boolean);
    return m;
  }

  /** An equation or check over the slots (same results as mathjs: see core/expressions/float-slots.ts). */
  compile(c: Compilable): (s: SlotScope) => number | boolean {
    return compileFloatSlots(c.parsed, this.slotOf) ?? (() => c.float!(this.mapOfSlots()));
  }
}
