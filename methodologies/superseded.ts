import type { Supersession } from '#core/methodology/registry';

/**
 * Versions a newer version corrects. They stay registered (projects registered under them keep
 * calculating, and their approved entries keep verifying), but `mrv project register`, `mrv calc` and the
 * review say so. Each reason names the rule of the official text the old version gets wrong.
 */
export const SUPERSEDED: Readonly<Record<string, Supersession>> = {
  'grid-renewable@1.0.0': {
    by: 'grid-renewable@1.1.0',
    reason:
      'project emissions of back-up fuel use the central IPCC default NCV and CO2 emission factor; TOOL03 (v3.0) requires the upper limit of the 95 % confidence interval where IPCC defaults are used, so 1.0.0 can understate project emissions',
  },
  'ccs-storage@1.0.0': {
    by: 'ccs-storage@1.1.0',
    reason:
      'natural gas burnt for capture heat uses the central IPCC default factors; TOOL03 (v3.0) requires the upper limit of the 95 % confidence interval, so 1.0.0 can understate project emissions',
  },
  'fgas-abatement@1.0.0': {
    by: 'fgas-abatement@2.0.0',
    reason:
      'one emission and by-product factor for every process; IPCC 2006 Guidelines Vol. 3 Ch. 6 (electronics) gives (1−U) and by-product factors per process type (etch, CVD chamber cleaning, remote and in-situ NF3)',
  },
  'landfill-gas@1.0.0': {
    by: 'landfill-gas@2.1.0',
    reason:
      "applies TOOL06 v1's hourly flare-efficiency rule whatever TOOL06 version the project is registered under; from v2.0 TOOL06 credits minute by minute, so 1.0.0 can overstate the methane destroyed; and, like 2.0.0, it reads an omitted AF or F_CH4_BL_req as 0 (ACM0001 F_CH4,BL,y), which deducts no baseline destruction",
  },
  'landfill-gas@2.0.0': {
    by: 'landfill-gas@2.1.0',
    reason:
      'reads an omitted AF (ε_BL = MD_hist / MG_hist) or F_CH4_BL_req (methane a regulation or contract requires the site to destroy) as 0; ACM0001 deducts that baseline destruction (F_CH4,BL,y) from the baseline emissions, so a registration silent on it can overstate the credits; 2.1.0 requires both to be stated, 0 included; with the same stated values it gives the same numbers',
  },
  'manure-methane@1.0.0': {
    by: 'manure-methane@1.1.0',
    reason:
      'checks only part of the applicability conditions of AMS-III.D (retention time over one month, average temperature above 5 °C, lagoon depth of at least 1 m, no discharge to natural water, no methane recovery in the baseline)',
  },
};
