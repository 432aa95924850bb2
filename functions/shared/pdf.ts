import pdfmake from 'pdfmake';

/**
 * PDF bytes from a pdfmake document definition. pdfmake (over pdfkit) is pure JavaScript: it runs in
 * Lambda without a browser or native code. Only the PDF standard fonts are used (Helvetica, Courier):
 * nothing is embedded, and pdfmake may open no other local file and no URL (its access policies).
 */
const STANDARD_FONTS = {
  Helvetica: { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' },
  Courier: { normal: 'Courier', bold: 'Courier-Bold', italics: 'Courier-Oblique', bolditalics: 'Courier-BoldOblique' },
};
const ALLOWED = new Set(Object.values(STANDARD_FONTS).flatMap((f) => Object.values(f)));

let configured = false;

export async function renderPdf(definition: Record<string, unknown>): Promise<Buffer> {
  if (!configured) {
    pdfmake.setFonts(STANDARD_FONTS);
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((path: string) => ALLOWED.has(path));
    configured = true;
  }
  return Buffer.from(await pdfmake.createPdf(definition).getBuffer());
}
