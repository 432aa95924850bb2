import { liteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import { AllPackages } from 'mathjax-full/js/input/tex/AllPackages.js';
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { SVG } from 'mathjax-full/js/output/svg.js';

/**
 * LaTeX typeset to a self-contained SVG by MathJax (no browser, no fonts to load: glyphs are paths), so
 * the PDF verification report shows the equations typeset like the HTML report does with KaTeX. The
 * LaTeX is the one `mrv methodology doc` renders from the running expressions.
 */
type Converter = (tex: string) => string;
let converter: Converter | undefined;

function build(): Converter {
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const doc = mathjax.document('', { InputJax: new TeX({ packages: AllPackages }), OutputJax: new SVG({ fontCache: 'none' }) });
  return (tex) => adaptor.innerHTML(doc.convert(tex, { display: true }));
}

/** A typeset equation: the SVG and its natural width in points at `fontPt` (1 ex ≈ half the font size). */
export function texToSvg(tex: string, fontPt = 9): { readonly svg: string; readonly widthPt: number; readonly heightPt: number } | undefined {
  converter ??= build();
  let svg: string;
  try {
    svg = converter(tex);
  } catch {
    return undefined;
  }
  // MathJax marks a TeX error inside the SVG instead of throwing: keep the plain expression then.
  if (svg.includes('data-mjx-error') || svg.includes('merror')) return undefined;
  const ex = Number(/width="([\d.]+)ex"/.exec(svg)?.[1]);
  const exHigh = Number(/height="([\d.]+)ex"/.exec(svg)?.[1]);
  if (!Number.isFinite(ex) || ex <= 0 || !Number.isFinite(exHigh) || exHigh <= 0) return undefined;
  const exPt = fontPt / 2;
  // Drawn by pdfkit (svg-to-pdfkit): explicit colour, size in points.
  const sized = svg
    .replace(/currentColor/g, '#000')
    .replace(/width="[\d.]+ex"/, `width="${(ex * exPt).toFixed(2)}pt"`)
    .replace(/height="([\d.]+)ex"/, (_, h: string) => `height="${(Number(h) * exPt).toFixed(2)}pt"`)
    .replace(/ style="vertical-align: [^"]*"/, '');
  return { svg: sized, widthPt: ex * exPt, heightPt: exHigh * exPt };
}
