/**
 * Carbon dioxide capture and storage in geological formations as a CDM project activity
 * (decision 10/CMP.7, "Modalities and procedures for CCS in geological formations as CDM project
 * activities"). No CCS methodology was ever approved by the CDM Executive Board, so
 * this module implements the CCS accounting structure of IPCC 2006 GL Vol. 2 Ch. 5:
 *
 *     BE_y = CO2 captured and delivered to storage (metered at the capture plant outlet)
 *     PE_y = capture energy (electricity, fuel for heat) + transport fugitives and venting
 *          + injection (energy, venting) + seepage from the storage site
 *     LE_y = leakage identified in the registered PDD (optional column; absent = 0)
 *
 * The 5 % CCS reserve is not applied here: it is an issuance deduction (core/issuance, tag `ccs`).
 * A seepage-only report after the crediting period (`phase` = `post-crediting`) gives a negative ER
 * (no units) and the net reversal `NR_y`, which the ledger cancels from the CCS reserve first.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

const CMP7 = 'decision 10/CMP.7 annex (modalities and procedures for CCS as CDM project activities)';

const project = z.object({
  phase: z
    .enum(['crediting', 'post-crediting'])
    .describe(
      'Monitoring phase: within a crediting period, or the seepage monitoring that continues after the last crediting period until no seepage is observed (at least 20 years; unverified)',
    ),
  EF_grid: z
    .number()
    .min(0)
    .max(2)
    .describe('CO2 emission factor of the electricity used for capture, compression and injection, TOOL05 (grid or captive plant) [tCO2/MWh]'),
  geological_storage: z
    .boolean()
    .describe(
      'The CO2 is stored in a geological formation (saline formation, depleted oil or gas field); other storage (ocean, mineralisation) is not covered by decision 10/CMP.7',
    ),
  transboundary: z
    .boolean()
    .describe('The CO2 is transported from one country to another, or the storage site lies in more than one country (not eligible under decision 10/CMP.7)'),
  site_characterisation_done: z
    .boolean()
    .describe('The PDD contains the site selection, characterisation and risk and safety assessment that decision 10/CMP.7 requires before registration'),
});

const parameters = {
  NCV_NG: {
    value: 48.0,
    unit: 'GJ/t',
    source: 'IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2, natural gas, default NCV 48.0 TJ/Gg (95 % interval 46.5–50.4)',
    range: [46.5, 50.4],
    description: 'Net calorific value of the natural gas burnt for capture heat (solvent regeneration); IPCC default value',
  },
  EF_CO2_NG: {
    value: 0.0561,
    unit: 'tCO2/GJ',
    source: 'IPCC 2006 GL Vol. 2 Ch. 1 Table 1.4, natural gas, default 56,100 kg CO2/TJ (95 % interval 54,300–58,300)',
    range: [0.0543, 0.0583],
    description: 'CO2 emission factor of natural gas; IPCC default value',
  },
} satisfies Record<string, ParameterSpec>;

const t = (description: string, side: 'baseline' | 'project', max = 10_000_000) => column.number({ unit: 't CO2', min: 0, max, side, description });
const mwh = (description: string) => column.number({ unit: 'MWh', min: 0, max: 10_000_000, side: 'project', description });

export default defineMethodology({
  id: 'ccs-storage',
  version: '1.0.0',
  title: 'CO2 capture and storage in geological formations (CDM, decision 10/CMP.7)',
  source: {
    body: 'CMP / UNFCCC; IPCC',
    document:
      'Decision 10/CMP.7 (CCS in geological formations as CDM project activities), FCCC/KP/CMP/2011/10/Add.2; accounting per IPCC 2006 GL Vol. 2 Ch. 5 (no CDM CCS methodology was approved)',
    documentVersion: '2011 (decision 10/CMP.7; IPCC 2006 GL)',
    url: 'https://unfccc.int/resource/docs/2011/cmp7/eng/10a02.pdf',
  },
  mechanisms: ['CDM'],
  // Monthly totals: one reading per calendar month; a second one for the same month is refused.
  // A missing month counts as nothing: no CO2 stored is credited for it (listed as a gap).
  monitoringIntervalMonths: 1,
  gapPolicy: 'zero-fill',
  tags: ['ccs'],
  applicability: [
    {
      id: 'geological-storage',
      ref: `${CMP7}: scope (geological formations only)`,
      description: 'The CO2 is stored in a geological formation.',
      check: (p) =>
        p.geological_storage
          ? { status: 'applicable' }
          : { status: 'not-applicable', reason: 'geological_storage is false: decision 10/CMP.7 covers storage in geological formations only' },
    },
    {
      id: 'not-transboundary',
      ref: `${CMP7} (unverified: transboundary transport and storage sites in more than one country left for later decision)`,
      description: 'No transport of CO2 between countries and no storage site lying in more than one country.',
      check: (p) =>
        p.transboundary
          ? { status: 'not-applicable', reason: 'transboundary is true: CCS involving more than one country is not eligible under decision 10/CMP.7' }
          : { status: 'applicable' },
    },
    {
      id: 'site-characterised',
      ref: `${CMP7}: site selection and characterisation, risk and safety assessment (appendices)`,
      description: 'The storage site has been selected, characterised and risk-assessed as the modalities require, before registration.',
      check: (p) =>
        p.site_characterisation_done
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason:
                'site_characterisation_done is false: a CCS project activity cannot be registered without site characterisation and a risk and safety assessment',
            },
    },
  ],
  project,
  sources: {
    pdd_leakage: {
      description:
        'Leakage sources identified in the registered PDD (e.g. upstream emissions of the fuel and electricity supplied): a project whose PDD identifies none declares "sources": { "pdd_leakage": false }',
    },
  },
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'Start of the monitoring interval (day or month) the quantities refer to' }),
    CO2_delivered: t(
      'CO2 captured and delivered to the transport and storage system in the interval (custody-transfer meter at the capture plant outlet)',
      'baseline',
    ),
    EC_capture: mwh('Electricity consumed by the capture plant and its compressors in the interval'),
    FC_capture_NG: column.number({
      unit: 't',
      min: 0,
      max: 10_000_000,
      side: 'project',
      description: 'Natural gas burnt for capture heat (solvent regeneration) in the interval',
    }),
    CO2_transport_fug: t(
      'CO2 lost from transport in the interval: fugitive emissions and venting from pipelines, booster stations or ships (metered or estimated per the monitoring plan)',
      'project',
    ),
    EC_injection: mwh('Electricity consumed at the injection site (booster compression, pumps) in the interval'),
    CO2_injection_vent: t('CO2 vented or lost at the injection site (wellhead, maintenance, upsets) in the interval', 'project'),
    CO2_seepage: t('CO2 seeping from the storage site to the atmosphere or seabed in the interval, as quantified by the site monitoring plan', 'project'),
    LE_upstream: column.optional(
      column.number({
        unit: 't CO2e',
        min: 0,
        max: 10_000_000,
        side: 'project',
        description: 'Leakage identified in the registered PDD (e.g. upstream emissions of the fuel and electricity supplied), tCO2e',
      }),
      { absent: { source: 'pdd_leakage', value: 0 } },
    ),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  parameters,
  equations: [
    {
      symbol: 'BE_y',
      scope: 'period',
      expr: 'CO2_delivered',
      unit: 't CO2',
      ref: 'IPCC 2006 GL Vol. 2 Ch. 5: baseline = CO2 that would have been vented = CO2 captured and delivered to storage',
      description: 'Baseline emissions: CO2 captured and delivered to storage',
    },
    {
      symbol: 'PE_capture_EC_y',
      scope: 'period',
      expr: 'EC_capture * EF_grid',
      unit: 't CO2',
      ref: 'CCS accounting (IPCC 2006 GL Vol. 2 Ch. 5) PE_capture,energy,y (electricity part, TOOL05: EC × EF_EL)',
      description: 'Capture energy: electricity',
    },
    {
      symbol: 'PE_capture_FC_y',
      scope: 'period',
      expr: 'FC_capture_NG * NCV_NG * EF_CO2_NG',
      unit: 't CO2',
      ref: 'CCS accounting (IPCC 2006 GL Vol. 2 Ch. 5) PE_capture,energy,y (heat part, TOOL03 option B: FC × NCV × EF_CO2)',
      description: 'Capture energy: natural gas for heat',
    },
    {
      symbol: 'PE_transport_y',
      scope: 'period',
      expr: 'CO2_transport_fug',
      unit: 't CO2',
      ref: 'CCS accounting (IPCC 2006 GL Vol. 2 Ch. 5) PE_transport,fug,y (IPCC 2006 GL Vol. 2 Ch. 5.4 transport)',
      description: 'Transport fugitives and venting',
    },
    {
      symbol: 'PE_injection_y',
      scope: 'period',
      expr: 'EC_injection * EF_grid + CO2_injection_vent',
      unit: 't CO2',
      ref: 'CCS accounting (IPCC 2006 GL Vol. 2 Ch. 5) PE_injection,y (IPCC 2006 GL Vol. 2 Ch. 5.5 injection)',
      description: 'Injection: electricity and venting',
    },
    {
      symbol: 'PE_seepage_y',
      scope: 'period',
      expr: 'CO2_seepage',
      unit: 't CO2',
      ref: 'CCS accounting (IPCC 2006 GL Vol. 2 Ch. 5) PE_seepage,y; decision 10/CMP.7 (monitoring of seepage during and after the crediting period)',
      description: 'Seepage from the storage site',
    },
    {
      symbol: 'LE_y',
      scope: 'period',
      expr: 'LE_upstream',
      unit: 't CO2e',
      ref: 'CCS accounting (IPCC 2006 GL Vol. 2 Ch. 5) LE_y (methodology-specific; as identified in the registered PDD)',
      description: 'Leakage, tCO2e',
    },
    {
      symbol: 'NR_y',
      scope: 'period',
      expr: 'max(0, PE_capture_EC_y + PE_capture_FC_y + PE_transport_y + PE_injection_y + PE_seepage_y + LE_y - BE_y)',
      unit: 't CO2e',
      ref: 'decision 10/CMP.7: net reversal of storage → cancellation from the CCS reserve account',
      description: 'Net reversal of storage in the period: −ER when ER is negative, else 0; the ledger cancels this many units from the CCS reserve',
    },
  ],
  emissions: [
    { category: 'BE', gas: 'CO2', symbol: 'BE_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_capture_EC_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_capture_FC_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_transport_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_injection_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_seepage_y' },
    { category: 'LE', gas: 'CO2e', symbol: 'LE_y' },
  ],
  checks: [
    {
      id: 'capture-energy-reported',
      scope: 'period',
      assert: 'CO2_delivered == 0 or EC_capture > 0 or FC_capture_NG > 0',
      message:
        'CO2 was delivered to storage but no capture energy (EC_capture in MWh or FC_capture_NG in t) was reported; capture needs energy, report the metered quantities',
      ref: 'CCS accounting (IPCC 2006 GL Vol. 2 Ch. 5) PE_capture,energy,y (the largest project emission source must be monitored)',
    },
    {
      id: 'losses-within-delivered',
      scope: 'period',
      assert: 'phase_post_crediting or CO2_transport_fug + CO2_injection_vent <= CO2_delivered',
      message: 'Transport and injection losses exceed the CO2 delivered to storage; check the units (kg vs t) of the loss columns',
      ref: 'QA/QC mass balance: CO2 delivered ≥ CO2 lost in transport and at injection',
    },
    {
      id: 'post-crediting-seepage-only',
      scope: 'period',
      assert: 'phase_crediting or (CO2_delivered + CO2_transport_fug + CO2_injection_vent == 0 and EC_capture + EC_injection == 0 and FC_capture_NG == 0)',
      message:
        'After the crediting period only seepage (CO2_seepage) is reported: capture, transport and injection quantities must be 0, so that new, uncredited captures are never netted against seepage',
      ref: `${CMP7}: monitoring after the end of the last crediting period (net reversal of storage)`,
    },
  ],
});
