import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineMethodology } from '../../../../core/methodology/define-methodology.ts';
import { column, monitoringRow } from '../../../../core/methodology/columns.ts';
import { createRegistry } from '../../../../core/methodology/registry.ts';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { roundAsRegistered } from '../../../../core/calculation/rounding.ts';
import { ProjectSchema, type ProjectInput } from '../../../../core/project/project.ts';
import { ConfigError } from '../../../../core/errors.ts';

// A grid-like module: combined margin from OM and BM (TOOL07 weights 0.5/0.5), BE = EG × EF_CM.
const methodology = defineMethodology({
  id: 'test-rounding',
  version: '1.0.0',
  title: 'Rounding as registered',
  source: { body: 'test', document: 'issue 11 item 12', documentVersion: '1' },
  mechanisms: ['CDM'],
  applicability: [],
  project: z.object({ EF_OM: z.number().meta({ unit: 't/MWh' }), EF_BM: z.number().meta({ unit: 't/MWh' }) }),
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'end of the month' }),
    EG: column.number({ unit: 'MWh', min: 0, description: 'electricity exported' }),
  }),
  timeColumn: 'timestamp',
  parameters: {},
  equations: [
    { symbol: 'EF_CM', scope: 'period', expr: '0.5 * EF_OM + 0.5 * EF_BM', unit: 't/MWh', ref: 'TOOL07 combined margin' },
    { symbol: 'BE_y', scope: 'period', expr: 'EG * EF_CM', unit: 't', ref: 'ACM0002 BE_y' },
  ],
  emissions: [{ category: 'BE', gas: 'CO2', symbol: 'BE_y' }],
});
const registry = createRegistry([methodology]);
const projectOf = (over: Partial<ProjectInput> = {}) =>
  ProjectSchema.parse({
    id: 'rounding-test',
    name: 'x',
    methodology: 'test-rounding@1.0.0',
    mechanism: 'CDM',
    hostCountry: 'IN',
    leastDevelopedCountry: false,
    scale: 'large',
    creditingPeriod: { start: '2014-01-01', end: '2020-12-31' },
    pddAnnualEstimate: 1,
    parameters: { EF_OM: 0.81237, EF_BM: 0.45721 },
    ...over,
  });
async function* bytes(text: string) {
  yield Buffer.from(text);
}
const CSV = 'timestamp,EG\n2014-01-31,1000.5\n';
const run = (over: Partial<ProjectInput> = {}) => calculate({ source: bytes(CSV), fileName: 'r.csv', project: projectOf(over), registry });

describe('rounding as registered (issue 11 item 12)', () => {
  it('is off by default: EF_CM = 0.63479 exactly, BE = 1000.5 × 0.63479', async () => {
    const r = await run();
    expect(r.trace.find((t) => t.symbol === 'EF_CM')).toMatchObject({ value: '0.63479' });
    expect(r.trace.find((t) => t.symbol === 'EF_CM')?.adjustments).toBeUndefined();
    expect(r.totals?.ER).toBe('635.107395');
  });
  it('truncates the combined margin to 4 decimals before BE reads it, and whole-tonne ER, shown in the trace', async () => {
    const r = await run({
      rounding: {
        EF_CM: { decimals: 4, mode: 'truncate', source: 'registered ER spreadsheet, sheet "EF", cell C12' },
        ER: { decimals: 0, mode: 'floor', source: 'registered ER spreadsheet, sheet "ER"' },
      },
    });
    expect(r.status).toBe('accepted');
    const cm = r.trace.find((t) => t.symbol === 'EF_CM');
    expect(cm).toMatchObject({
      value: '0.6347',
      adjustments: [
        { kind: 'rounding', from: '0.63479', to: '0.6347', rule: 'truncate to 4 decimals as registered', source: expect.stringContaining('cell C12') },
      ],
    });
    // BE reads the truncated value: 1000.5 × 0.6347 = 635.01735 (not 635.107395).
    expect(r.trace.find((t) => t.symbol === 'BE_y')).toMatchObject({ inputs: { EF_CM: '0.6347' }, value: '635.01735' });
    expect(r.totals?.ER).toBe('635');
    expect(r.issuable?.erRounding).toMatchObject({ from: '635.01735', to: '635', rule: 'floor to whole units as registered' });
  });
  it('rounds exactly in decimal (no binary step) in every mode', () => {
    expect(roundAsRegistered('0.1234999999999999999999', { decimals: 4, mode: 'half-up', source: 'x' })).toBe('0.1235');
    expect(roundAsRegistered('-2.5', { decimals: 0, mode: 'truncate', source: 'x' })).toBe('-2');
    expect(roundAsRegistered('-2.5', { decimals: 0, mode: 'floor', source: 'x' })).toBe('-3');
    expect(roundAsRegistered('2.5', { decimals: 0, mode: 'half-even', source: 'x' })).toBe('2');
    expect(roundAsRegistered('2.0001', { decimals: 0, mode: 'ceil', source: 'x' })).toBe('3');
  });
  it('refuses a profile naming a symbol the methodology does not have (configuration error)', async () => {
    await expect(run({ rounding: { EF_XX: { decimals: 4, mode: 'truncate', source: 'sheet' } } })).rejects.toThrow(ConfigError);
  });
});

// A registered rounding may only ever lower the emission reductions: ER and baseline terms down (floor),
// project and leakage terms up (ceil). Anything else is refused at registration.
describe('rounding as registered never raises the emission reductions', () => {
  const termsModule = defineMethodology({
    id: 'test-rounding-terms',
    version: '1.0.0',
    title: 'Rounding of emission terms',
    source: { body: 'test', document: 'issue 11 item 12', documentVersion: '1' },
    mechanisms: ['CDM'],
    applicability: [],
    project: z.object({ EF: z.number().meta({ unit: 't/MWh' }) }),
    monitoring: monitoringRow({
      timestamp: column.timestamp({ description: 'end of the month' }),
      EG: column.number({ unit: 'MWh', min: 0, description: 'electricity exported' }),
      FC: column.number({ unit: 't', min: 0, description: 'diesel burnt' }),
    }),
    timeColumn: 'timestamp',
    parameters: {},
    equations: [
      { symbol: 'BE_y', scope: 'period', expr: 'EG * EF', unit: 't', ref: 'BE' },
      { symbol: 'PE_y', scope: 'period', expr: 'FC * 3.1861', unit: 't', ref: 'PE' },
      { symbol: 'LE_y', scope: 'period', expr: 'PE_y * 0.1', unit: 't', ref: 'LE' },
      { symbol: 'PE_tail', scope: 'period', expr: 'FC / 100', unit: 't', ref: 'PE tail' },
    ],
    emissions: [
      { category: 'BE', gas: 'CO2', symbol: 'BE_y' },
      { category: 'PE', gas: 'CO2', symbol: 'PE_y' },
      { category: 'LE', gas: 'CO2', symbol: 'LE_y' },
      { category: 'PE', gas: 'CO2', symbol: 'PE_tail' },
    ],
  });
  const reg = createRegistry([termsModule]);
  const runTerms = (rounding: ProjectInput['rounding']) =>
    calculate({
      source: bytes('timestamp,EG,FC\n2014-01-31,1000.5,1.7\n'),
      fileName: 't.csv',
      project: projectOf({ methodology: 'test-rounding-terms@1.0.0', parameters: { EF: 0.63479 }, rounding }),
      registry: reg,
    });
  const refusal = async (rounding: ProjectInput['rounding']) => {
    try {
      await runTerms(rounding);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems.join('\n');
    }
    throw new Error('the registration was accepted');
  };

  it.each([
    [
      'a project emission term rounded down',
      { PE_tail: { decimals: 0, mode: 'floor' as const, source: 'sheet' } },
      /PE_tail, a project emission term, .*declare mode "ceil"/,
    ],
    [
      'a project emission term truncated',
      { PE_tail: { decimals: 2, mode: 'truncate' as const, source: 'sheet' } },
      /mode "truncate" can round PE_tail.*"ceil"/,
    ],
    ['a baseline term rounded up', { BE_y: { decimals: 0, mode: 'ceil' as const, source: 'sheet' } }, /BE_y, a baseline term, .*declare mode "floor"/],
    ['a baseline term rounded half-up', { BE_y: { decimals: 0, mode: 'half-up' as const, source: 'sheet' } }, /BE_y, a baseline term/],
    [
      'ER rounded half-up',
      { ER: { decimals: 0, mode: 'half-up' as const, source: 'sheet' } },
      /the emission reductions in the direction of more credits; .*"floor"/,
    ],
    ['ER truncated (raises a negative ER)', { ER: { decimals: 0, mode: 'truncate' as const, source: 'sheet' } }, /"floor"/],
    [
      'an emission term that a later equation reads',
      { PE_y: { decimals: 0, mode: 'ceil' as const, source: 'sheet' } },
      /PE_y is an emission term that other equations read \(LE_y\)/,
    ],
  ])('refuses %s at registration, saying which mode is conservative', async (_what, rounding, message) => {
    expect(await refusal(rounding)).toMatch(message);
  });

  it('accepts ER and baseline terms rounded down and project and leakage terms rounded up, and applies them', async () => {
    const r = await runTerms({
      BE_y: { decimals: 0, mode: 'floor', source: 'sheet BE' },
      LE_y: { decimals: 1, mode: 'ceil', source: 'sheet LE' },
      PE_tail: { decimals: 0, mode: 'ceil', source: 'sheet PE' },
      ER: { decimals: 0, mode: 'floor', source: 'sheet ER' },
    });
    expect(r.status).toBe('accepted');
    // BE 1000.5 × 0.63479 = 635.107395 → 635; PE 1.7 × 3.1861 = 5.41637; LE 0.541637 → 0.6; PE_tail 0.017 → 1.
    expect(r.trace.find((t) => t.symbol === 'BE_y')?.value).toBe('635');
    expect(r.trace.find((t) => t.symbol === 'LE_y')?.value).toBe('0.6');
    expect(r.trace.find((t) => t.symbol === 'PE_tail')?.value).toBe('1');
    // ER = 635 − 5.41637 − 1 − 0.6 = 627.98363 → 627.
    expect(r.totals?.ER).toBe('627');
  });
});

// An intermediate value (here the combined margin) is not an emission term: its rounding direction is checked on the
// period itself, by recomputing without it.
describe('rounding of an intermediate value is checked against the unrounded period', () => {
  it('refuses a period whose combined margin rounded up (ceil) raises the emission reductions, naming both figures', async () => {
    const r = await run({ rounding: { EF_CM: { decimals: 2, mode: 'ceil', source: 'registered ER spreadsheet, sheet "EF"' } } });
    // EF_CM 0.63479 → 0.64: BE 1000.5 × 0.64 = 640.32 > 635.107395.
    expect(r.status).toBe('rejected');
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'period.rounding_raises_result',
        severity: 'error',
        message: expect.stringMatching(/rounding of EF_CM raises the emission reductions from 635\.107395 to 640\.32/),
      }),
    );
  });
  it('accepts the same rounding downwards (truncate), which lowers them', async () => {
    const r = await run({ rounding: { EF_CM: { decimals: 2, mode: 'truncate', source: 'registered ER spreadsheet, sheet "EF"' } } });
    expect(r.status).toBe('accepted');
    expect(r.totals?.ER).toBe('630.315');
  });
});
