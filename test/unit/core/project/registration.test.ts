/**
 * Registrations are parsed strictly (issue 16 items 6, 9, 10; issue 10 item 4): unknown keys and
 * parameters are errors with did-you-mean, GWP overrides are keyed by gas id, never CO2, within the
 * plausible range, with a source, only for gases the methodology uses, and what registration
 * accepts every later stage accepts; numbers above 2^53 are refused; the declared scale must fit
 * the parameters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calculate, resolveProject } from '../../../../core/calculation/calculate.ts';
import { ConfigError } from '../../../../core/errors.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { registrationWarnings } from '../../../../core/project/registration.ts';
import { checkRegistration } from '../../../../core/calculation/resolve.ts';
import { plausibleGwpRange } from '../../../../core/project/gwp-overrides.ts';
import { didYouMean } from '../../../../core/project/suggest.ts';
import { buildReviewItem } from '../../../../core/review/review-item.ts';
import { renderReviewItem } from '../../../../core/report/render-review.ts';
import { registry } from '../../../../methodologies/index.ts';

const root = new URL('../../../../', import.meta.url);
const wind = JSON.parse(readFileSync(new URL('samples/projects/wind-tamil-nadu-in.json', root), 'utf8')) as Record<string, unknown> & {
  parameters: Record<string, unknown>;
};
const landfill = JSON.parse(readFileSync(new URL('samples/projects/landfill-minas-gerais-br.json', root), 'utf8')) as Record<string, unknown> & {
  parameters: Record<string, unknown>;
};
const issues = (input: unknown) => {
  const r = ProjectSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
/** Everything the pipeline checks: schema, methodology, overrides, scale. Returns the problems (empty: registrable). */
const problems = (input: unknown): string[] => {
  const schema = issues(input);
  if (schema.length) return schema;
  try {
    checkRegistration(ProjectSchema.parse(input), registry);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [e.message];
    throw e;
  }
};

describe('unknown keys are errors with did-you-mean (never dropped)', () => {
  it('a misspelled top-level key', () => {
    const { pddAnnualEstimate, ...rest } = wind;
    expect(issues({ ...rest, pddAnualEstimate: pddAnnualEstimate })).toEqual(
      expect.arrayContaining([expect.stringMatching(/unknown key "pddAnualEstimate" \(did you mean "pddAnnualEstimate"\?\)/)]),
    );
  });

  it('a misspelled optional parameter would have been dropped and its default (0) applied: now refused with did-you-mean', () => {
    const p = { ...wind, parameters: { ...wind.parameters, Cap_Bl: 5 } };
    expect(issues(p)).toEqual([]);
    expect(() => resolveProject(ProjectSchema.parse(p), registry)).toThrow(/parameters\.Cap_Bl: unknown parameter "Cap_Bl" \(did you mean "Cap_BL"\?\)/);
  });

  it('unknown keys in nested objects (meters, overrides, crediting period) too', () => {
    expect(issues({ ...wind, creditingPeriod: { start: '2021-01-01', end: '2025-12-31', ned: '2026-01-01' } }).join()).toMatch(
      /unknown key "ned" \(did you mean "end"\?\)/,
    );
    expect(issues({ ...wind, gwpOverrides: { CH4: { value: 28, source: 'IPCC AR5 WG1 Table 8.A.1', soruce: 'x' } } }).join()).toMatch(/unknown key "soruce"/);
  });

  it('didYouMean stays quiet for unrelated words', () => {
    expect(didYouMean('EF_grid_OMM', ['EF_grid_OM', 'EF_grid_BM'])).toBe('EF_grid_OM');
    expect(didYouMean('colour', ['EF_grid_OM', 'technology'])).toBeUndefined();
  });
});

describe('GWP overrides', () => {
  const withOverride = (gas: string, o: unknown, base = wind) => ({ ...base, gwpOverrides: { [gas]: o } });
  const ok = { value: 29.8, source: 'IPCC AR6 WG1 Table 7.15 (fossil methane)' };

  it('keyed by formula or in lower case: an error naming the gas id (was silently ignored)', () => {
    expect(issues(withOverride('ch4', ok)).join()).toMatch(/write "CH4", not "ch4"/);
    expect(issues(withOverride('CHF3', { value: 12400, source: 'IPCC AR5' })).join()).toMatch(/write "HFC-23", not "CHF3"/);
    expect(issues(withOverride('CH5', ok)).join()).toMatch(/unknown gas "CH5" \(did you mean "CH4"\?\)/);
  });

  it('CO2 cannot be overridden', () => {
    expect(issues(withOverride('CO2', { value: 1000, source: 'made up' })).join()).toMatch(/CO2 has a GWP of 1 by definition/);
  });

  it('values outside 80 % of the lowest … 125 % of the highest published value are refused (CH4 = 1000, CH4 = 298, 1e-7)', () => {
    expect(plausibleGwpRange('CH4')).toEqual({ published: { min: '21', max: '28' }, min: '16.8', max: '35' });
    for (const value of [1000, 298, 1e-7, 16.7, 35.1])
      expect(issues(withOverride('CH4', { value, source: 'x source' })).join(), String(value)).toMatch(/outside the plausible range 16\.8–35/);
    expect(issues(withOverride('CH4', { value: 34, source: 'IPCC AR5 WG1 Table 8.7 (with climate-carbon feedback)' }))).toEqual([]);
  });

  it('a source is required', () => {
    expect(issues(withOverride('CH4', { value: 29.8 })).join()).toMatch(/source/);
    expect(issues(withOverride('CH4', { value: 29.8, source: ' ' })).join()).toMatch(/name the published source/);
  });

  it('only for gases the methodology uses', () => {
    expect(problems(withOverride('SF6', { value: 23500, source: 'IPCC AR5 WG1 Table 8.A.1' })).join()).toMatch(/grid-renewable@1\.1\.0 does not use SF6/);
    expect(problems(withOverride('CH4', ok))).toEqual([]);
  });

  it('an accepted override reaches the result, the review item and the rendered review, exact and in plain decimals', async () => {
    const project = ProjectSchema.parse(withOverride('CH4', ok)) as Project;
    const csv = 'timestamp,EG_export,EG_import,FC_diesel\n2022-06-01T00:00:00Z,10,0,0\n2022-06-01T01:00:00Z,10,0,0\n';
    const result = await calculate({
      source: (async function* () {
        yield Buffer.from(csv);
      })(),
      fileName: 'june.csv',
      project,
      registry,
    });
    expect(result.status, JSON.stringify(result.diagnostics)).toBe('accepted');
    expect(result.gwp!.values.CH4).toMatchObject({ value: '29.8', confidence: 'override', source: ok.source, replaces: expect.any(String) });
    const item = buildReviewItem({
      result,
      uploadId: 'a'.repeat(32),
      project,
      ccs: false,
      file: { key: 'uploads/x/june.csv' },
      resultKey: 'results/x',
      reportKey: 'reports/x',
      createdAt: '2024-01-01T00:00:00Z',
    });
    expect(item.gwp.overrides).toEqual([{ gas: 'CH4', value: '29.8', source: ok.source, replaces: result.gwp!.values.CH4!.replaces }]);
    expect(renderReviewItem(item, result, { status: 'pending-review' })).toMatch(/GWP override CH4 = 29\.8 \(replaces IPCC AR\d /);
  });
});

describe('numbers above 2^53 are refused at registration (they crashed the pipeline at the DynamoDB write)', () => {
  it('a top-level number and a parameter', () => {
    expect(issues({ ...wind, pddAnnualEstimate: 2 ** 60 }).join()).toMatch(/pddAnnualEstimate: .*larger than 2\^53 − 1/);
    expect(issues({ ...wind, parameters: { ...wind.parameters, EF_grid_OM: 1e300 } }).join()).toMatch(
      /parameters\.EF_grid_OM: 1e\+300 is larger than 2\^53 − 1/,
    );
    expect(issues({ ...wind, parameters: { ...wind.parameters, extra: [1, JSON.parse('9007199254740993') as number] } }).join()).toMatch(
      /parameters\.extra\.1:/,
    );
    expect(issues({ ...wind, pddAnnualEstimate: Number.MAX_SAFE_INTEGER })).toEqual([]);
  });
});

describe('declared scale against the parameters (issue 10 item 4)', () => {
  const at = (scale: string, capacity: number, methodology = 'ACM0002') => ({
    ...wind,
    scale,
    parameters: { ...wind.parameters, baseline_methodology: methodology, installed_capacity_MW: capacity },
  });

  it('a 50 MW plant declared micro- or small-scale is refused; large is fine', () => {
    expect(problems(at('micro', 50)).join()).toMatch(/scale "micro" contradicts the installed capacity .* of 50 MW: micro scale is at most 5 MW/);
    expect(problems(at('small', 50)).join()).toMatch(
      /scale "small" contradicts .* 50 MW: small scale is at most 15 MW \(CDM small-scale definitions, decision 4\/CMP\.1 annex II as amended by decision 1\/CMP\.2 para 28\)/,
    );
    expect(problems(at('large', 50))).toEqual([]);
  });

  it('an AMS-I.D plant above 15 MW is refused whatever scale it declares; AMS-I.D declared large is a contradiction', () => {
    expect(problems(at('small', 15.5, 'AMS-I.D')).join()).toMatch(/exceeds the 15 MW limit of the small-scale methodology AMS-I\.D/);
    expect(problems(at('large', 12, 'AMS-I.D')).join()).toMatch(/scale "large" contradicts the small-scale methodology AMS-I\.D/);
    expect(problems(at('small', 15, 'AMS-I.D'))).toEqual([]);
    expect(problems(at('micro', 5, 'AMS-I.D'))).toEqual([]);
    expect(problems(at('micro', 5.5, 'AMS-I.D')).join()).toMatch(/micro scale is at most 5 MW/);
  });

  it('Type III: small scale is at most 60,000 tCO2e/yr of estimated reductions', () => {
    expect(problems({ ...landfill, scale: 'small', pddAnnualEstimate: 60_001 }).join()).toMatch(
      /scale "small" contradicts the estimated annual emission reductions .* of 60,001 tCO2e\/yr/,
    );
    expect(problems({ ...landfill, scale: 'small', pddAnnualEstimate: 60_000 })).toEqual([]);
  });

  it('every sample registration passes (every file under samples/projects)', () => {
    const names = readdirSync(new URL('samples/projects/', root))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    expect(names.length).toBeGreaterThanOrEqual(11);
    for (const name of names) {
      expect(problems(JSON.parse(readFileSync(new URL(`samples/projects/${name}.json`, root), 'utf8'))), name).toEqual([]);
    }
  });
});

describe('registration warnings', () => {
  it('says clearly that UTC is assumed when a registration declares no time zone, and nothing when it does', () => {
    const [w, ...rest] = registrationWarnings({ id: 'wind-x' });
    expect(rest).toEqual([]);
    expect(w).toMatch(/^Project wind-x declares no time zone, so UTC is assumed/);
    expect(w).toMatch(/"timeZone": "Asia\/Kolkata"/);
    expect(registrationWarnings({ id: 'wind-x', timeZone: 'UTC' })).toEqual([]);
  });
});
