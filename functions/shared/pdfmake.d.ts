/** The part of pdfmake 0.3 (server build) that functions/shared/pdf.ts uses; pdfmake ships no types. */
declare module 'pdfmake' {
  const pdfmake: {
    setFonts(fonts: Record<string, Record<string, string>>): void;
    setUrlAccessPolicy(allow: (url: string) => boolean): void;
    setLocalAccessPolicy(allow: (path: string) => boolean): void;
    createPdf(definition: Record<string, unknown>): { getBuffer(): Promise<Uint8Array> };
  };
  export default pdfmake;
}
