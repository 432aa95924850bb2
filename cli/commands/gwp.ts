import { findGas, GASES } from '../../core/gases/gases.ts';
import { gwpOf, GWP_SET_IDS, GWP_TABLE, type GwpSetId } from '../../core/gases/gwp.ts';
import { ConfigError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { UsageError, type Command } from './types.ts';

export const gwpCommand: Command = {
  name: 'gwp',
  summary: 'Show the 100-year GWP of a gas (one set, or all four), with its source',
  usage: 'mrv gwp <gas> [--set SAR|AR4|AR5|AR6]   (mrv gwp --list lists the gases)',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { set: { type: 'string' }, list: { type: 'boolean' } });
    if (values.list) {
      for (const g of GASES) io.out(`${g.id.padEnd(14)} ${g.name}${g.aliases.length ? ` (${g.aliases.join(', ')})` : ''}`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('name one gas, e.g. mrv gwp NF3 --set AR4');
    const set = values.set?.toUpperCase();
    if (set !== undefined && !(GWP_SET_IDS as readonly string[]).includes(set)) throw new UsageError(`--set must be one of ${GWP_SET_IDS.join(', ')}`);
    const gas = findGas(positionals[0]!);
    if (!gas) throw new ConfigError(`Unknown gas "${positionals[0]}". Run mrv gwp --list for the gases.`);
    if (set) {
      const v = gwpOf(gas.id, set as GwpSetId); // throws GwpNotDefinedError (exit 2) for NF3 under SAR
      io.out(v.value);
      io.err(`${gas.id} (${gas.name}), IPCC ${set}: ${v.source}${v.confidence === 'unsure' ? ' [unsure: verify before use]' : ''}`);
      return 0;
    }
    const row = GWP_TABLE.get(gas.id)!;
    io.out(`${gas.id} (${gas.name})`);
    for (const s of GWP_SET_IDS) io.out(`  ${s}  ${row[s] ? `${row[s].value}${row[s].confidence === 'unsure' ? ` (unsure: ${row[s].note})` : ''}` : 'not assessed'}`);
    return 0;
  },
};
