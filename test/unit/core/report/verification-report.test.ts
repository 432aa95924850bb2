import { describe, expect, it } from 'vitest';
import { toWinAnsi, verificationReportPdfDefinition } from '../../../../core/report/verification-report-pdf.ts';
import { esc, renderReportSections, renderTex, renderVerificationReportHtml } from '../../../../core/report/verification-report-html.ts';
import { NotDecidedError, verificationReportFromSubmission } from '../../../../core/report/verification-report.ts';
import type { Submission } from '../../../../core/review/submission.ts';
import { ReviewItemSchema } from '../../../../core/review/schemas.ts';
import { registry } from '../../../../methodologies/index.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixtures = join(process.cwd(), 'test', 'events', 'review');
const item = ReviewItemSchema.parse(JSON.parse(readFileSync(join(fixtures, 'review-item.v1.json'), 'utf8')));
const pending: Submission = { uploadId: item.uploadId, projectId: item.projectId, createdAt: item.createdAt, status: 'pending-review', validation: 'accepted', file: item.file, reportKey: item.reportKey, resultKey: item.resultKey, reviewItem: item };
const approved: Submission = { ...pending, status: 'approved', decision: { schemaVersion: 1, uploadId: item.uploadId, decision: 'approve', verifier: 'A. Auditor <DOE>', decidedAt: '2026-01-02T03:04:05Z' }, ledger: { seq: 3, hash: 'f'.repeat(64) } };

describe('verification report model', () => {
  it('refuses an undecided submission unless it is a preview', () => {
    expect(() => verificationReportFromSubmission({ submission: pending, charts: [], generatedAt: '2026-01-01T00:00:00Z' })).toThrow(NotDecidedError);
    const preview = verificationReportFromSubmission({ submission: pending, charts: [], generatedAt: '2026-01-01T00:00:00Z' }, { preview: true });
    expect(preview.decision).toBeUndefined();
    expect(renderReportSections(preview)).toContain('Waiting for a verifier');
  });

  it('states the decision, the ledger entry, the file hash and the equations of the registered module', () => {
    const methodology = registry.get(`${item.methodology.id}@${item.methodology.version}`);
    const r = verificationReportFromSubmission({ submission: approved, methodology, charts: [{ id: 'x', title: 'x', caption: 'cap', svg: '<svg><text>t</text></svg>' }], generatedAt: '2026-01-01T00:00:00Z' });
    expect(r.decision).toMatchObject({ decision: 'approve', verifier: 'A. Auditor <DOE> (name as sent; no authenticated verifier recorded)', outcome: 'approved' });
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
    for (const s of ['Verification report', 'A. Auditor <DOE>', item.file.sha256, 'f'.repeat(64), 'Per gas', 'To the participants']) expect(pdf).toContain(s.replace(/"/g, '\\"'));
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
