import { describe, expect, it } from 'vitest';
import { toWinAnsi, verificationReportPdfDefinition } from '../../../../core/report/verification-report-pdf.ts';
import { texToSvg } from '../../../../core/report/tex-svg.ts';
import { esc, renderReportSections, renderTex, renderVerificationReportHtml } from '../../../../core/report/verification-report-html.ts';
import { NotDecidedError, verificationReportFromSubmission } from '../../../../core/report/verification-report.ts';
import type { Submission } from '../../../../core/review/submission.ts';
import { ReviewItemSchema } from '../../../../core/review/schemas.ts';
import { registry } from '../../../../methodologies/index.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixtures = join(process.cwd(), 'test', 'events', 'review');
const item = ReviewItemSchema.parse(JSON.parse(readFileSync(join(fixtures, 'review-item.v1.json'), 'utf8')));
const pending: Submission = {
  uploadId: item.uploadId,
  projectId: item.projectId,
  createdAt: item.createdAt,
  status: 'pending-review',
  validation: 'accepted',
  file: item.file,
  reportKey: item.reportKey,
  resultKey: item.resultKey,
  reviewItem: item,
};
const approved: Submission = {
  ...pending,
  status: 'approved',
  decision: { schemaVersion: 1, uploadId: item.uploadId, decision: 'approve', verifier: 'A. Auditor <DOE>', decidedAt: '2026-01-02T03:04:05Z' },
  ledger: { seq: 3, hash: 'f'.repeat(64) },
};

describe('verification report model', () => {
  it('refuses an undecided submission unless it is a preview', () => {
    expect(() => verificationReportFromSubmission({ submission: pending, charts: [], generatedAt: '2026-01-01T00:00:00Z' })).toThrow(NotDecidedError);
    const preview = verificationReportFromSubmission({ submission: pending, charts: [], generatedAt: '2026-01-01T00:00:00Z' }, { preview: true });
    expect(preview.decision).toBeUndefined();
    expect(renderReportSections(preview)).toContain('Waiting for a verifier');
  });

  it('states the decision, the ledger entry, the file hash and the equations of the registered module', () => {
    const methodology = registry.get(`${item.methodology.id}@${item.methodology.version}`);
    const r = verificationReportFromSubmission({
      submission: approved,
      methodology,
      charts: [{ id: 'x', title: 'x', caption: 'cap', svg: '<svg><text>t</text></svg>' }],
      generatedAt: '2026-01-01T00:00:00Z',
    });
    expect(r.decision).toMatchObject({
      decision: 'approve',
      verifier: 'A. Auditor <DOE> (name as sent; no authenticated verifier recorded)',
      outcome: 'approved',
    });
    expect(r.ledger).toEqual({ seq: 3, hash: 'f'.repeat(64) });
    expect(r.files[0]!.sha256).toBe(item.file.sha256);
    expect(r.equations.map((e) => e.symbol)).toEqual([...methodology.rowEquations, ...methodology.periodEquations].map((e) => e.symbol));
    const html = renderVerificationReportHtml(r, { katexCss: '/*katex*/' });
    // escaped, never raw: the verifier's name came from outside
    expect(html).toContain('A. Auditor &lt;DOE&gt;');
    expect(html).not.toContain('A. Auditor <DOE>');
    expect(html).toContain(item.file.sha256);
    expect(html).toContain('class="katex"');
    expect(html).toContain('<figure class="chart" data-chart="x"><svg>');
    const pdf = JSON.stringify(verificationReportPdfDefinition(r));
    for (const s of ['Verification report', 'A. Auditor <DOE>', item.file.sha256, 'f'.repeat(64), 'Per gas', 'To the participants'])
      expect(pdf).toContain(s.replace(/"/g, '\\"'));

    // every equation of the module is typeset (an SVG drawn by pdfkit) above the expression that runs
    const definition = verificationReportPdfDefinition(r) as { content: unknown[] };
    const cells = JSON.stringify(definition.content).match(/\{"stack":\[\{"svg":"<svg[^"]*?xmlns/g) ?? [];
    expect(cells.length).toBe(r.equations.filter((e) => e.tex).length);
    expect(r.equations.filter((e) => e.tex).length).toBeGreaterThan(0);
    for (const e of r.equations) expect(pdf).toContain(`${e.symbol} = ${e.expr}`.replace(/"/g, '\\"'));
  });

  it('names the newer version that corrects the module, in the HTML and the PDF', () => {
    const methodology = registry.get(`${item.methodology.id}@${item.methodology.version}`);
    const supersededBy = { by: 'grid-renewable@1.1.0', reason: 'TOOL03 requires the upper limit of the 95 % confidence interval' };
    const r = verificationReportFromSubmission({ submission: approved, methodology, supersededBy, charts: [], generatedAt: '2026-01-01T00:00:00Z' });
    expect(r.methodology.supersededBy).toEqual(supersededBy);
    expect(renderVerificationReportHtml(r, { katexCss: '' })).toMatch(/Superseded.*grid-renewable@1\.1\.0.*TOOL03 requires the upper limit/s);
    expect(JSON.stringify(verificationReportPdfDefinition(r))).toContain('by grid-renewable@1.1.0: TOOL03 requires the upper limit');
    const current = verificationReportFromSubmission({ submission: approved, methodology, charts: [], generatedAt: '2026-01-01T00:00:00Z' });
    expect(renderVerificationReportHtml(current, { katexCss: '' })).not.toContain('Superseded');
  });

  it('typesets LaTeX for the PDF with MathJax as self-contained SVG, and gives up (plain text) on a TeX error', () => {
    const t = texToSvg('BE_{y} = \\frac{EG_{y} \\times EF_{grid,y}}{1000}');
    expect(t?.svg).toMatch(/^<svg[^>]*width="[\d.]+pt"[^>]*height="[\d.]+pt"/);
    expect(t?.svg).not.toMatch(/currentColor|<use /);
    expect(t!.widthPt).toBeGreaterThan(20);
    expect(texToSvg('\\frac{1}{')).toBeUndefined();
  });
});

describe('verification report of a monitoring report', () => {
  // A report of two monthly uploads on the site's clock, approved by a second verifier after a first approval (maker–checker).
  const period = { start: '2023-02-01T00:00:00+05:30', end: '2023-04-01T00:00:00+05:30', timeZone: 'Asia/Kolkata' };
  const vera = { principal: 'iam:AIDAVERA', role: 'verifier' as const, name: 'Vera Verifier', personId: 'p-vera', body: 'DOE-A', accreditationRef: 'E-1' };
  const chris = { ...vera, principal: 'iam:AIDACHRIS', name: 'Chris Checker', personId: 'p-chris' };
  const files = [
    {
      key: 'uploads/p/2023-02.csv',
      sha256: 'a'.repeat(64),
      bytes: 10,
      rows: { total: 672, accepted: 672, rejected: 0 },
      uploadId: '1'.repeat(32),
      periodText: '2023-02-01 – 2023-02-28 (28 days, Asia/Kolkata)',
      er: '10.5',
    },
    {
      key: 'uploads/p/2023-03.csv',
      sha256: 'b'.repeat(64),
      bytes: 11,
      rows: { total: 744, accepted: 744, rejected: 0 },
      uploadId: '2'.repeat(32),
      periodText: '2023-03-01 – 2023-03-31 (31 days, Asia/Kolkata)',
      er: '11.5',
    },
  ];
  const report: Submission = {
    ...approved,
    uploadId: '9'.repeat(32),
    kind: 'monitoring-report',
    uploads: files.map((f) => f.uploadId),
    period,
    registration: { version: 2, hash: 'c'.repeat(64) },
    reviewItem: { ...item, uploadId: '9'.repeat(32), period },
    decision: {
      schemaVersion: 1,
      uploadId: '9'.repeat(32),
      decision: 'approve',
      decidedAt: '2026-01-02T03:04:05Z',
      actor: chris,
      firstApproval: { actor: vera, decidedAt: '2026-01-02T01:00:00Z', recordedAt: '2026-01-02T01:00:01Z' },
    },
  };

  it("lists its uploads as the files checked, its period on the site's clock, both approvals, the registration version it pins", () => {
    const r = verificationReportFromSubmission({ submission: report, files, charts: [], generatedAt: '2026-01-03T00:00:00Z' });
    expect(r.subject).toEqual({ kind: 'monitoring-report', id: '9'.repeat(32) });
    expect(r.periodText).toBe('2023-02-01 – 2023-03-31 (59 days, Asia/Kolkata)');
    expect(r.project).toMatchObject({ timeZone: 'Asia/Kolkata', registration: { version: 2, versionHash: 'c'.repeat(64) } });
    expect(r.decision).toMatchObject({
      verifier: 'Chris Checker (DOE-A, E-1)',
      principal: 'iam:AIDACHRIS',
      firstApproval: { verifier: 'Vera Verifier (DOE-A, E-1)', decidedAt: '2026-01-02T01:00:00Z' },
    });
    const html = renderReportSections(r);
    for (const x of [
      'Data checked (2 files)',
      'a'.repeat(64),
      'b'.repeat(64),
      '2023-03-01 – 2023-03-31 (31 days, Asia/Kolkata)',
      'first approval by Vera Verifier (DOE-A, E-1)',
      'version 2',
      'monitoring report',
    ])
      expect(html).toContain(x);
    const pdf = JSON.stringify(verificationReportPdfDefinition(r));
    for (const x of ['Data checked (2 files)', 'a'.repeat(64), 'Independent review', 'iam:AIDACHRIS', '2023-02-01 – 2023-03-31 (59 days, Asia/Kolkata)'])
      expect(pdf).toContain(x);
  });

  it('shows a first approval waiting for its technical review in the preview', () => {
    const waiting: Submission = { ...report, status: 'pending-review', decision: undefined as never, ledger: undefined as never };
    const r = verificationReportFromSubmission(
      {
        submission: waiting,
        files,
        charts: [],
        pendingFirstApproval: { actor: vera, decidedAt: '2026-01-02T01:00:00Z', recordedAt: '2026-01-02T01:00:01Z' },
        generatedAt: '2026-01-03T00:00:00Z',
      },
      { preview: true },
    );
    expect(renderReportSections(r)).toContain('First approval by Vera Verifier (DOE-A, E-1) at 2026-01-02T01:00:00Z, pending technical review');
  });
});

describe('helpers', () => {
  it('escapes HTML', () => expect(esc(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;'));
  it('typesets LaTeX with KaTeX and shows a bad expression instead of throwing', () => {
    expect(renderTex('x_{1} = \\frac{a}{b}')).toContain('<math');
    expect(renderTex('\\frac{')).toContain('katex-error');
  });
  it('spells out what the PDF standard fonts cannot draw', () => {
    expect(toWinAnsi('BE − PE ≤ 4 × 10² · η – ok')).toBe('BE - PE <= 4 × 10² · eta – ok');
    expect(toWinAnsi('日本')).toBe('??');
  });
});
