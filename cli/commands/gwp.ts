import { findGas, GASES } from '../../core/gases/gases.ts';
import { gwpOf, GWP_SET_IDS, GWP_SETS, GWP_TABLE, type GwpSetId } from '../../core/gases/gwp.ts';
import { blendGwp, findRefrigerant, REFRIGERANTS, type Refrigerant } from '../../core/gases/blends.ts';
import { ConfigError, GwpNotDefinedError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { UsageError, type Command, type Io } from './types.ts';

/** `R-410A (R-32/125 50/50 mass %)`. */
const describeRefrigerant = (r: Refrigerant) => `${r.id} (${r.kind}: ${r.components.map((x) => `${x.substance} ${Number(x.fraction) * 100} %`).join(', ')})`;

function refrigerantGwp(r: Refrigerant, set: GwpSetId | undefined, io: Io): number {
  if (set) {
    const b = blendGwp(r, set); // throws NotInKyotoBasketError (exit 2) for R-22
    io.out(b.value);
    io.err(
      `${describeRefrigerant(r)}, IPCC ${set}: Σ mass fraction × GWP = ${b.components.map((x) => (x.gwp === null ? `${x.fraction} × 0 (${x.substance}, not in the Kyoto basket)` : `${x.fraction} × ${x.gwp}`)).join(' + ')}`,
    );
    io.err(
      `composition: ${r.source}${r.confidence === 'unverified' ? ' [unverified: not checked against the text of the standard]' : ''}; component GWPs: ${GWP_SETS[set].source}`,
    );
    return 0;
  }
  io.out(describeRefrigerant(r));
  for (const s of GWP_SET_IDS) {
    try {
      io.out(`  ${s}  ${blendGwp(r, s).value}`);
    } catch (e) {
      if (e instanceof GwpNotDefinedError) io.out(`  ${s}  not assessed (${e.message})`);
      else throw e;
    }
  }
  io.err(`composition: ${r.source}`);
  return 0;
}

export const gwpCommand: Command = {
  name: 'gwp',
  summary: 'Show the 100-year GWP of a gas (one set, or all four), with its source',
  usage: 'mrv gwp <gas|refrigerant> [--set SAR|AR4|AR5|AR6]   (mrv gwp --list lists gases and refrigerants)',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { set: { type: 'string' }, list: { type: 'boolean' } });
    if (values.list) {
      for (const g of GASES) io.out(`${g.id.padEnd(14)} ${g.name}${g.aliases.length ? ` (${g.aliases.join(', ')})` : ''}`);
      for (const r of REFRIGERANTS) io.out(`${r.id.padEnd(14)} ${describeRefrigerant(r)}`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('name one gas or refrigerant, e.g. mrv gwp NF3 --set AR4 or mrv gwp R-410A --set AR4');
    const set = values.set?.toUpperCase();
    if (set !== undefined && !(GWP_SET_IDS as readonly string[]).includes(set)) throw new UsageError(`--set must be one of ${GWP_SET_IDS.join(', ')}`);
    const gas = findGas(positionals[0]!);
    if (!gas) {
      const refrigerant = findRefrigerant(positionals[0]!);
      if (refrigerant) return refrigerantGwp(refrigerant, set as GwpSetId | undefined, io);
      throw new ConfigError(`Unknown gas or refrigerant "${positionals[0]}". Run mrv gwp --list for the gases and refrigerants.`);
    }
    if (set) {
      const v = gwpOf(gas.id, set as GwpSetId); // throws GwpNotDefinedError (exit 2) for NF3 under SAR
      io.out(v.value);
      io.err(`${gas.id} (${gas.name}), IPCC ${set}: ${v.source}${v.confidence === 'unsure' ? ' [unsure: verify before use]' : ''}`);
      return 0;
    }
    const row = GWP_TABLE.get(gas.id)!;
    io.out(`${gas.id} (${gas.name})`);
    for (const s of GWP_SET_IDS)
      io.out(`  ${s}  ${row[s] ? `${row[s].value}${row[s].confidence === 'unsure' ? ` (unsure: ${row[s].note})` : ''}` : 'not assessed'}`);
    return 0;
  },
};
