import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream, type PDFRef, StandardFonts } from 'pdf-lib';

/** A small PDF of `pages` pages, each saying `text`. */
export async function makePdf(text: string, pages = 2): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`${text} (page ${i + 1})`, { x: 50, y: 780, font });
  return Buffer.from(await doc.save());
}

/**
 * The text each page draws, read back from its decompressed content streams (the hex and
 * literal strings of Tj operators): what a watermark check must find on every page.
 */
export async function pageTexts(bytes: Buffer): Promise<string[]> {
  const doc = await PDFDocument.load(bytes);
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams =
      contents instanceof PDFArray
        ? contents.asArray().map((ref) => doc.context.lookup(ref as PDFRef))
        : contents
          ? [contents]
          : [];
    let text = '';
    for (const stream of streams) {
      const raw =
        stream instanceof PDFRawStream
          ? Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1')
          : String(stream);
      for (const m of raw.matchAll(/<([0-9A-Fa-f]+)>\s*Tj|\(((?:\\.|[^\\)])*)\)\s*Tj/g)) {
        text += m[1] ? Buffer.from(m[1], 'hex').toString('latin1') : (m[2] ?? '');
        text += '\n';
      }
    }
    return text;
  });
}
