/**
 * Abatement of fluorinated greenhouse gases (NF3, CF4, C2F6, C3F8, c-C4F8, SF6, CHF3/HFC-23) from
 * CVD chamber cleaning and etch in semiconductor manufacturing, by point-of-use abatement systems.
 *
 * Equations follow the IPCC 2006 Guidelines Vol. 3 Ch. 6 Tier 2 form, as used by the CDM F-gas
 * methodologies (AM0078 / AM0096 family); utilisation and by-product factors are the 40 CFR 98
 * Table I-5 defaults for CVD chamber cleaning. Every emission term is in tonnes of its own gas; the
 * engine applies the GWP set the mechanism and period require, so NF3 under IPCC SAR (Kyoto CP1) is
 * rejected with `gwp.not_defined` rather than counted as zero.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

const T_I5 = '40 CFR 98 Subpart I Table I-5 (default emission factors, CVD chamber cleaning; same values as IPCC 2006 Tier 2b)';
const IPCC_T63_MEMORY = 'IPCC 2006 GL Vol. 3 Ch. 6 Table 6.3, Tier 2a semiconductor default (unverified: verify against the table before relying on it)';

const dre = (defaultValue: number, gas: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .default(defaultValue)
    .describe(
      `Destruction or removal efficiency of the abatement system for ${gas} [fraction]; measured per EPA 430-R-10-003, default ${defaultValue} (IPCC 2006 Vol. 3 Ch. 6 default for point-of-use destruction, unverified)`,
    );

const project = z.object({
  sector: z.enum(['semiconductor', 'flat-panel-display']).describe('Manufacturing sector; 1.0.0 carries the semiconductor factors only'),
  nf3_clean_type: z
    .enum(['remote-plasma', 'in-situ-plasma'])
    .describe('How NF3 is used for CVD chamber cleaning; selects the NF3 utilisation and by-product factors'),
  abatement_before_project: z
    .boolean()
    .default(false)
    .describe('Whether any of the gases was already abated before the project (then the baseline is not "no abatement")'),
  h: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe('Heel: fraction of gas left in the cylinder when it is returned [fraction]; IPCC 2006 Vol. 3 §6.2.2 default 0.10'),
  EF_grid: z.number().min(0).max(2).describe('CO2 emission factor of the electricity used by the abatement systems, TOOL05 [tCO2/MWh]'),
  DRE_NF3: dre(0.95, 'NF3'),
  DRE_CF4: dre(0.9, 'CF4 (input gas and by-product)'),
  DRE_C2F6: dre(0.9, 'C2F6'),
  DRE_C3F8: dre(0.9, 'C3F8'),
  DRE_cC4F8: dre(0.9, 'c-C4F8'),
  DRE_SF6: dre(0.9, 'SF6'),
  DRE_CHF3: dre(0.9, 'CHF3 (HFC-23)'),
});

const p = (value: number, unit: string, source: string, description: string, range: readonly [number, number] = [0, 1]): ParameterSpec => ({
  value,
  unit,
  source,
  range,
  description,
});

const parameters = {
  one_minus_U_NF3_remote: p(0.02, 'kg/kg', T_I5, 'Fraction of NF3 not used up in the process, remote plasma clean (1 − U)'),
  one_minus_U_NF3_insitu: p(0.2, 'kg/kg', T_I5, 'Fraction of NF3 not used up in the process, in-situ plasma clean (1 − U)'),
  one_minus_U_CF4: p(0.9, 'kg/kg', T_I5, 'Fraction of CF4 not used up in the process (1 − U)'),
  one_minus_U_C2F6: p(0.6, 'kg/kg', T_I5, 'Fraction of C2F6 not used up in the process (1 − U)'),
  one_minus_U_C3F8: p(0.4, 'kg/kg', T_I5, 'Fraction of C3F8 not used up in the process (1 − U)'),
  one_minus_U_cC4F8: p(0.1, 'kg/kg', T_I5, 'Fraction of c-C4F8 not used up in the process (1 − U)'),
  one_minus_U_SF6: { ...p(0.2, 'kg/kg', IPCC_T63_MEMORY, 'Fraction of SF6 not used up in the process (1 − U)'), confidence: 'unverified' },
  one_minus_U_CHF3: { ...p(0.4, 'kg/kg', IPCC_T63_MEMORY, 'Fraction of CHF3 not used up in the process (1 − U)'), confidence: 'unverified' },
  B_CF4_NF3_remote: p(0.02, 'kg CF4/kg NF3', T_I5, 'CF4 formed per kg of NF3 used, remote plasma clean'),
  B_CF4_NF3_insitu: p(0.1, 'kg CF4/kg NF3', T_I5, 'CF4 formed per kg of NF3 used, in-situ plasma clean'),
  B_CF4_C2F6: p(0.1, 'kg CF4/kg C2F6', T_I5, 'CF4 formed per kg of C2F6 used'),
  B_CF4_C3F8: p(0.1, 'kg CF4/kg C3F8', T_I5, 'CF4 formed per kg of C3F8 used'),
  B_CF4_cC4F8: p(0.1, 'kg CF4/kg c-C4F8', T_I5, 'CF4 formed per kg of c-C4F8 used'),
  B_CF4_CHF3: { ...p(0.07, 'kg CF4/kg CHF3', IPCC_T63_MEMORY, 'CF4 formed per kg of CHF3 used'), confidence: 'unverified' },
  NCV_NG: p(
    48.0,
    'GJ/t',
    'IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2, natural gas, default NCV 48.0 TJ/Gg (95 % interval 46.5–50.4)',
    'Net calorific value of the natural gas burnt in the abatement systems; IPCC default value',
    [46.5, 50.4],
  ),
  EF_CO2_NG: p(
    0.0561,
    'tCO2/GJ',
    'IPCC 2006 GL Vol. 2 Ch. 1 Table 1.4, natural gas, default 56,100 kg CO2/TJ (95 % interval 54,300–58,300)',
    'CO2 emission factor of natural gas; IPCC default value',
    [0.0543, 0.0583],
  ),
  M_CO2: p(44, 'g/mol', 'Stoichiometry: molar mass of CO2 rounded to whole g/mol (44.01)', 'Molar mass of CO2', [44, 44.01]),
  M_CF4: p(88, 'g/mol', 'Stoichiometry: molar mass of CF4 rounded to whole g/mol (88.00)', 'Molar mass of CF4; 1 mol CO2 per mol destroyed', [88, 88.01]),
  M_C2F6: p(
    138,
    'g/mol',
    'Stoichiometry: molar mass of C2F6 rounded to whole g/mol (138.01)',
    'Molar mass of C2F6; 2 mol CO2 per mol destroyed',
    [138, 138.02],
  ),
  M_C3F8: p(
    188,
    'g/mol',
    'Stoichiometry: molar mass of C3F8 rounded to whole g/mol (188.02)',
    'Molar mass of C3F8; 3 mol CO2 per mol destroyed',
    [188, 188.03],
  ),
  M_cC4F8: p(
    200,
    'g/mol',
    'Stoichiometry: molar mass of c-C4F8 rounded to whole g/mol (200.03)',
    'Molar mass of c-C4F8; 4 mol CO2 per mol destroyed',
    [200, 200.04],
  ),
  M_CHF3: p(70, 'g/mol', 'Stoichiometry: molar mass of CHF3 rounded to whole g/mol (70.01)', 'Molar mass of CHF3; 1 mol CO2 per mol destroyed', [70, 70.02]),
} satisfies Record<string, ParameterSpec>;

/** The seven input gases: column suffix, gas id, and how many carbon atoms a molecule carries. */
const GASES = [
  { s: 'NF3', gas: 'NF3', carbon: 0 },
  { s: 'CF4', gas: 'CF4', carbon: 1 },
  { s: 'C2F6', gas: 'C2F6', carbon: 2 },
  { s: 'C3F8', gas: 'C3F8', carbon: 3 },
  { s: 'cC4F8', gas: 'c-C4F8', carbon: 4 },
  { s: 'SF6', gas: 'SF6', carbon: 0 },
  { s: 'CHF3', gas: 'HFC-23', carbon: 1 },
] as const;
/** Input gases that form CF4 as a by-product (Table I-5 B_CF4), with the B factor symbol. */
const CF4_FORMERS = [
  ['NF3', 'B_CF4_NF3'],
  ['C2F6', 'B_CF4_C2F6'],
  ['C3F8', 'B_CF4_C3F8'],
  ['cC4F8', 'B_CF4_cC4F8'],
  ['CHF3', 'B_CF4_CHF3'],
] as const;

const gasColumn = (s: string, gas: string) =>
  column.number({
    unit: 'kg',
    min: 0,
    max: 1_000_000,
    side: 'baseline',
    description: `${gas} consumed in the interval (cylinder weighing or mass-flow controller totals; 0 if not used)`,
  });

const IPCC = 'IPCC 2006 GL Vol. 3 Ch. 6 Eq. 6.2 (Tier 2, input gas i)';
const IPCC_BP = 'IPCC 2006 GL Vol. 3 Ch. 6 Eq. 6.3 (Tier 2, by-product CF4)';

export default defineMethodology({
  id: 'fgas-abatement',
  version: '1.0.0',
  title: 'Abatement of fluorinated gases (NF3, PFCs, SF6, HFC-23) in semiconductor manufacturing',
  source: {
    body: 'IPCC / UNFCCC CDM Executive Board',
    document:
      'IPCC 2006 Guidelines Vol. 3 Ch. 6 (Electronics Industry Emissions), Tier 2, in the form used by CDM AM0078 / AM0096; 40 CFR 98 Subpart I Table I-5 factors',
    documentVersion: 'IPCC 2006 GL; AM0078 v02.0.0 (draft) / AM0096',
    url: 'https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol3.html',
  },
  mechanisms: ['CDM', 'JI', 'A6.4'],
  applicability: [
    {
      id: 'semiconductor-sector',
      ref: '40 CFR 98 Table I-5 vs Table I-6 (factors differ by sector)',
      description: 'The fab makes semiconductors; the flat-panel factors (40 CFR 98 Table I-6) are not in 1.0.0.',
      check: (q) =>
        q.sector === 'semiconductor'
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: `sector is "${q.sector}": flat-panel (LCD) fabs need the Table I-6 utilisation and by-product factors, which 1.0.0 does not carry`,
            },
    },
    {
      id: 'no-abatement-before-project',
      ref: 'AM0078 applicability (baseline: F-gases vented without abatement)',
      description: 'The baseline is venting without abatement: no abatement of the monitored gases before the project.',
      check: (q) =>
        q.abatement_before_project
          ? { status: 'not-applicable', reason: 'abatement_before_project is true: the no-abatement baseline (a = 0) does not hold' }
          : { status: 'applicable' },
    },
  ],
  project,
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'Day (or end of the interval) the consumption refers to' }),
    FC_NF3: gasColumn('NF3', 'NF3'),
    FC_CF4: gasColumn('CF4', 'CF4'),
    FC_C2F6: gasColumn('C2F6', 'C2F6'),
    FC_C3F8: gasColumn('C3F8', 'C3F8'),
    FC_cC4F8: gasColumn('cC4F8', 'c-C4F8'),
    FC_SF6: gasColumn('SF6', 'SF6'),
    FC_CHF3: gasColumn('CHF3', 'CHF3 (HFC-23)'),
    a: column.number({
      unit: '1',
      min: 0,
      max: 1,
      side: 'baseline',
      description: 'Fraction of the interval the abatement systems were on and the gas was routed to them (interlock / alarm logs)',
    }),
    EC_abatement: column.number({
      unit: 'MWh',
      min: 0,
      max: 100_000,
      side: 'project',
      description: 'Electricity consumed by the abatement systems in the interval',
    }),
    FC_NG: column.number({ unit: 't', min: 0, max: 100_000, side: 'project', description: 'Natural gas burnt in the abatement systems in the interval' }),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  parameters,
  equations: [
    // Per row: the gas routed to a working abatement system (a varies by row; everything else is linear).
    ...GASES.map(({ s }) => ({
      symbol: `FCa_${s}`,
      scope: 'row' as const,
      expr: `FC_${s} * a`,
      unit: 'kg',
      ref: `${IPCC}: a_i × FC_i (gas routed to abatement)`,
      description: `${s} consumed while the abatement system was on`,
    })),
    // NF3 factors depend on the clean type.
    {
      symbol: 'one_minus_U_NF3',
      scope: 'period',
      expr: 'nf3_clean_type_remote_plasma ? one_minus_U_NF3_remote : one_minus_U_NF3_insitu',
      unit: 'kg/kg',
      ref: '40 CFR 98 Table I-5 (NF3 remote vs in-situ plasma)',
    },
    {
      symbol: 'B_CF4_NF3',
      scope: 'period',
      expr: 'nf3_clean_type_remote_plasma ? B_CF4_NF3_remote : B_CF4_NF3_insitu',
      unit: 'kg CF4/kg NF3',
      ref: '40 CFR 98 Table I-5 (NF3 remote vs in-situ plasma)',
    },
    // Baseline: no abatement (a = 0).
    ...GASES.map(({ s }) => ({
      symbol: `E_${s}_BL`,
      scope: 'period' as const,
      expr: `(1 - h) * FC_${s} * one_minus_U_${s} / 1000`,
      unit: `t ${s}`,
      ref: `${IPCC} with a = 0 (baseline)`,
      description: `Baseline emissions of ${s}, tonnes of ${s}`,
    })),
    {
      symbol: 'BPE_CF4_BL',
      scope: 'period',
      expr: `(1 - h) * (${CF4_FORMERS.map(([s, b]) => `${b} * FC_${s}`).join(' + ')}) / 1000`,
      unit: 't CF4',
      ref: `${IPCC_BP} with a = 0 (baseline)`,
      description: 'Baseline CF4 formed as a by-product, tonnes of CF4',
    },
    // Project: residual after destruction, E_i,PJ = (1 − h)(1 − U_i)(FC_i − DRE_i × a × FC_i).
    ...GASES.map(({ s }) => ({
      symbol: `E_${s}_PJ`,
      scope: 'period' as const,
      expr: `(1 - h) * one_minus_U_${s} * (FC_${s} - DRE_${s} * FCa_${s}) / 1000`,
      unit: `t ${s}`,
      ref: `${IPCC}: (1 − h) × FC_i × (1 − U_i) × (1 − a_i × d_i)`,
      description: `Project emissions of ${s} not destroyed, tonnes of ${s}`,
    })),
    {
      symbol: 'BPE_CF4_PJ',
      scope: 'period',
      expr: `(1 - h) * (${CF4_FORMERS.map(([s, b]) => `${b} * (FC_${s} - DRE_CF4 * FCa_${s})`).join(' + ')}) / 1000`,
      unit: 't CF4',
      ref: `${IPCC_BP}: (1 − h) × Σ_i B_CF4,i × FC_i × (1 − a × d_CF4)`,
      description: 'Project by-product CF4 not destroyed, tonnes of CF4',
    },
    { symbol: 'PE_EC_y', scope: 'period', expr: 'EC_abatement * EF_grid', unit: 't CO2', ref: 'TOOL05 (electricity consumption): EC_PJ,y × EF_EL,y' },
    { symbol: 'PE_FC_y', scope: 'period', expr: 'FC_NG * NCV_NG * EF_CO2_NG', unit: 't CO2', ref: 'TOOL03 option B: FC_i,y × NCV_i,y × EF_CO2,i,y' },
    {
      symbol: 'PE_CO2_dec_y',
      scope: 'period',
      expr: [
        '(E_CF4_BL - E_CF4_PJ + BPE_CF4_BL - BPE_CF4_PJ) * M_CO2 / M_CF4',
        ...GASES.filter((g) => g.carbon > 0 && g.s !== 'CF4').map(({ s, carbon }) => `(E_${s}_BL - E_${s}_PJ) * ${carbon} * M_CO2 / M_${s}`),
      ].join(' + '),
      unit: 't CO2',
      ref: 'AM0078/AM0096 project emissions: CO2 formed when carbon-containing F-gases are destroyed (n_C × 44 / M_i per tonne destroyed; NF3 and SF6 form none)',
    },
  ],
  emissions: [
    ...GASES.map(({ s, gas }) => ({ category: 'BE' as const, gas, symbol: `E_${s}_BL` })),
    { category: 'BE', gas: 'CF4', symbol: 'BPE_CF4_BL' },
    ...GASES.map(({ s, gas }) => ({ category: 'PE' as const, gas, symbol: `E_${s}_PJ` })),
    { category: 'PE', gas: 'CF4', symbol: 'BPE_CF4_PJ' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_EC_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_FC_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_CO2_dec_y' },
  ],
  checks: [
    {
      id: 'abatement-energy-reported',
      scope: 'period',
      assert: `(${GASES.map(({ s }) => `FCa_${s}`).join(' + ')}) == 0 or EC_abatement > 0`,
      message: 'Gas was routed to the abatement systems (a > 0) but no abatement electricity EC_abatement was reported; report the metered MWh',
      ref: 'TOOL05: electricity of the abatement systems is a project emission source that must be monitored',
    },
  ],
});
