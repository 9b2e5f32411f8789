/**
 * The parts of a documentation's ZIP: the HTML, Markdown, DOCX, the PDF (when one was printed),
 * every board (rooms and plenary) as SVG and PNG (the PNGs also next to the Markdown, which links `images/`), and the
 * attachments. Built in an export worker thread from the model.
 */
import { renderDocx } from './docx.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { DocumentationModel } from './model.js';
import { packZip, type ZipEntry } from './zip.js';

/** An attachment's stored bytes under its (sanitised) file name. */
export interface ArchiveAttachment {
  name: string;
  data: Uint8Array;
}

/** The archive's files, in archive order. */
export async function archiveEntries(model: DocumentationModel, pdf: Uint8Array | null, attachments: readonly ArchiveAttachment[]): Promise<ZipEntry[]> {
  const text = (value: string) => new TextEncoder().encode(value);
  const entries: ZipEntry[] = [
    { path: `${model.fileBase}.html`, data: text(renderHtml(model)), compress: true },
    { path: `${model.fileBase}.md`, data: text(renderMarkdown(model)), compress: true },
    { path: `${model.fileBase}.docx`, data: await renderDocx(model), compress: false },
  ];
  if (pdf) entries.push({ path: `${model.fileBase}.pdf`, data: pdf, compress: false });
  const dateSections = [model, ...(model.series?.parts ?? [])];
  const rooms = [
    ...dateSections.flatMap((sections) => (sections.breakouts ?? []).flatMap((round) => round.rooms)),
    ...dateSections.flatMap((sections) => (sections.plenary ? [sections.plenary] : [])),
  ];
  for (const room of rooms) {
    if (!room.board) continue;
    entries.push({ path: `boards/${room.id}.svg`, data: text(room.board.svg), compress: true });
    if (room.board.png) {
      entries.push({ path: `images/board-${room.id}.png`, data: room.board.png, compress: false });
      entries.push({ path: `boards/${room.id}.png`, data: room.board.png, compress: false });
    }
  }
  for (const attachment of attachments) entries.push({ path: `attachments/${attachment.name}`, data: attachment.data, compress: false });
  return entries;
}

/** The documentation as one ZIP archive. */
export async function packDocumentation(model: DocumentationModel, pdf: Uint8Array | null, attachments: readonly ArchiveAttachment[]): Promise<Uint8Array> {
  return packZip(await archiveEntries(model, pdf, attachments));
}
