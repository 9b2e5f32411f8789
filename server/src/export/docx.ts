/**
 * The documentation as DOCX (the `docx` package): real heading styles (Heading 1-6, so Word's
 * navigation pane and LibreOffice's navigator show the tree), tables for the agenda and the poll
 * counts, board PNGs, and notes with their headings, lists and marks. Text is always text: nothing
 * a participant typed becomes markup, and only http(s)/mailto links are kept as links.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { labelsFor } from './labels.js';
import type { Language } from '@werkraum/shared/roles';
import { hasText, type DocumentationDateSections, type DocumentationModel, type NextStepsBlock, type RichNode, type RoomDocuments } from './model.js';

type Block = Paragraph | Table;

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];

/** A heading paragraph at level 1-6 (clamped). */
function heading(text: string, level: number): Paragraph {
  return new Paragraph({ heading: HEADINGS[Math.min(6, Math.max(1, level)) - 1]!, children: [new TextRun(clean(text))] });
}

/** Drops characters XML cannot hold (they never reach the store, but a DOCX must never break). */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

function plain(text: string, options: { bold?: boolean } = {}): Paragraph {
  const lines = clean(text).split('\n');
  return new Paragraph({ children: lines.map((line, index) => new TextRun({ text: line, ...(options.bold ? { bold: true } : {}), ...(index > 0 ? { break: 1 } : {}) })) });
}

function fact(label: string, value: string): Paragraph {
  return new Paragraph({ children: [new TextRun({ text: `${clean(label)}: `, bold: true }), new TextRun(clean(value))] });
}

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '9AA4B1' };

function table(header: string[], rows: string[][], widths?: number[]): Table {
  const cell = (text: string, head: boolean, index: number) =>
    new TableCell({
      children: [new Paragraph({ children: [new TextRun({ text: clean(text), bold: head })] })],
      ...(head ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'EEF1F5' } } : {}),
      ...(widths ? { width: { size: widths[index]!, type: WidthType.PERCENTAGE } } : {}),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER, insideHorizontal: BORDER, insideVertical: BORDER },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((text, index) => cell(text, true, index)) }),
      ...rows.map((row) => new TableRow({ children: row.map((text, index) => cell(text, false, index)) })),
    ],
  });
}

const SAFE_LINK = /^(?:https?:|mailto:)/i;

interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
  underline?: boolean;
  code?: boolean;
}

/** Inline content (text with marks, links, hard breaks) of a rich-text node. */
function inlineRuns(nodes: readonly RichNode[] | undefined, base: RunStyle = {}): ParagraphChild[] {
  const runs: ParagraphChild[] = [];
  for (const node of nodes ?? []) {
    if (node.type === 'hardBreak') {
      runs.push(new TextRun({ text: '', break: 1 }));
      continue;
    }
    if (node.type !== 'text' || !node.text) {
      runs.push(...inlineRuns(node.content, base));
      continue;
    }
    const style: RunStyle = { ...base };
    let href: string | undefined;
    for (const mark of node.marks ?? []) {
      if (mark.type === 'bold') style.bold = true;
      if (mark.type === 'italic') style.italics = true;
      if (mark.type === 'strike') style.strike = true;
      if (mark.type === 'underline') style.underline = true;
      if (mark.type === 'code') style.code = true;
      if (mark.type === 'link' && typeof mark.attrs?.href === 'string' && SAFE_LINK.test(mark.attrs.href.trim())) href = mark.attrs.href.trim();
    }
    const run = new TextRun({
      text: clean(node.text),
      ...(style.bold ? { bold: true } : {}),
      ...(style.italics ? { italics: true } : {}),
      ...(style.strike ? { strike: true } : {}),
      ...(style.underline || href ? { underline: {} } : {}),
      ...(style.code ? { font: 'Courier New' } : {}),
      ...(href ? { style: 'Hyperlink' } : {}),
    });
    runs.push(href ? new ExternalHyperlink({ link: href, children: [run] }) : run);
  }
  return runs;
}

/** Block content of a rich-text document (notes, summary), headings moved down by `shift`. */
function richBlocks(nodes: readonly RichNode[] | undefined, shift: number, list?: { ordered: boolean; level: number }): Block[] {
  const blocks: Block[] = [];
  for (const node of nodes ?? []) {
    switch (node.type) {
      case 'heading': {
        const level = Number(node.attrs?.level ?? 1);
        blocks.push(new Paragraph({ heading: HEADINGS[Math.min(6, level + shift) - 1]!, children: inlineRuns(node.content) }));
        break;
      }
      case 'paragraph':
        blocks.push(
          new Paragraph({
            children: inlineRuns(node.content),
            ...(list ? (list.ordered ? { numbering: { reference: 'ordered', level: Math.min(list.level, 8) } } : { bullet: { level: Math.min(list.level, 8) } }) : {}),
          }),
        );
        break;
      case 'bulletList':
      case 'orderedList': {
        const level = list ? list.level + 1 : 0;
        for (const item of node.content ?? []) {
          let first = true;
          for (const child of item.content ?? []) {
            if (child.type === 'paragraph' && first) {
              blocks.push(...richBlocks([child], shift, { ordered: node.type === 'orderedList', level }));
              first = false;
            } else if (child.type === 'bulletList' || child.type === 'orderedList') {
              blocks.push(...richBlocks([child], shift, { ordered: child.type === 'orderedList', level }));
            } else {
              blocks.push(...richBlocks([child], shift));
            }
          }
        }
        break;
      }
      case 'blockquote':
        blocks.push(...richBlocks(node.content, shift, list));
        break;
      case 'codeBlock':
        blocks.push(
          new Paragraph({
            children: clean((node.content ?? []).map((child) => child.text ?? '').join(''))
              .split('\n')
              .map((line, index) => new TextRun({ text: line, font: 'Courier New', ...(index > 0 ? { break: 1 } : {}) })),
          }),
        );
        break;
      case 'horizontalRule':
        blocks.push(new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '9AA4B1', space: 1 } }, children: [] }));
        break;
      default:
        blocks.push(...richBlocks(node.content, shift, list));
    }
  }
  return blocks;
}

/** Width and height of a PNG from its header. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * A room's notes and board (a breakout room's or the plenary's): "Notes" and "Board" headings at
 * `level` (1-6, already shifted), the notes' headings below them, the board's picture and outline.
 */
function roomDocumentBlocks(docs: RoomDocuments, boardTitle: string, level: number, language: Language): Block[] {
  const labels = labelsFor(language);
  const body: Block[] = [];
  if (hasText(docs.notes)) {
    body.push(heading(labels.notes, level));
    body.push(...richBlocks(docs.notes.doc.content, level));
  }
  if (docs.board) {
    body.push(heading(labels.board, level));
    if (docs.board.png) {
      const size = pngSize(docs.board.png);
      const width = Math.min(600, size.width);
      const height = Math.max(1, Math.round((size.height / Math.max(1, size.width)) * width));
      body.push(
        new Paragraph({
          alignment: AlignmentType.LEFT,
          children: [
            new ImageRun({
              type: 'png',
              data: docs.board.png,
              transformation: { width, height },
              altText: { name: clean(boardTitle), title: clean(boardTitle), description: clean(docs.board.outline.slice(0, 2000)) },
            }),
          ],
        }),
      );
    }
    for (const line of docs.board.outline.split('\n')) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      const headingMatch = /^#{1,6}\s+(.*)$/.exec(trimmed);
      if (headingMatch) body.push(plain(headingMatch[1]!.replace(/\\(.)/g, '$1'), { bold: true }));
      else body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(clean(trimmed.replace(/^[-*]\s+/, '').replace(/\\(.)/g, '$1')))] }));
    }
  }
  return body;
}

/** The "next steps" blocks: paragraphs with their line breaks, list items as bullets; text only. */
function nextStepsBlocks(blocks: readonly NextStepsBlock[]): Block[] {
  return blocks.flatMap((block) =>
    block.kind === 'list' ? block.items.map((item) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun(clean(item))] })) : [plain(block.lines.join('\n'))],
  );
}

/** The sections one date contributes (agenda, polls, rounds, plenary, findings), headings moved down by `shift`. */
function dateSectionBlocks(sections: DocumentationDateSections, language: Language, shift: number): Block[] {
  const labels = labelsFor(language);
  const body: Block[] = [];
  if (sections.agenda) {
    body.push(heading(labels.agenda, 1 + shift));
    body.push(
      table(
        [labels.planned, labels.actual, labels.block, labels.type, labels.changes],
        sections.agenda.rows.map((row) => [
          `${row.plannedStart}–${row.plannedEnd}`,
          `${row.actualStart ?? '–'}–${row.actualEnd ?? '–'}`,
          row.title,
          row.type,
          row.changes.join(', '),
        ]),
        [16, 16, 38, 12, 18],
      ),
    );
    body.push(fact(labels.plannedEndOfWorkshop, sections.agenda.plannedEnd ?? '–'));
    if (sections.agenda.actualEnd) body.push(fact(labels.actualEndOfWorkshop, sections.agenda.actualEnd));
  }

  if (sections.polls) {
    body.push(heading(labels.polls, 1 + shift));
    for (const poll of sections.polls) {
      body.push(heading(poll.question, 2 + shift));
      body.push(plain(`${labels.participation(poll.participants)}${poll.anonymous ? ` (${labels.anonymous})` : ''}`));
      if (poll.rows.length > 0) {
        body.push(table([labels.option, labels.votes, labels.share], poll.rows.map((row) => [row.label, String(row.count), `${row.percent} %`]), [60, 20, 20]));
      }
      if (poll.mean !== null) body.push(fact(labels.mean, poll.mean.toLocaleString(language === 'de' ? 'de-DE' : 'en-GB')));
      for (const text of poll.texts) body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(clean(text))] }));
    }
  }

  if (sections.breakouts) {
    body.push(heading(labels.breakouts, 1 + shift));
    for (const round of sections.breakouts) {
      body.push(heading(round.title, 2 + shift));
      if (round.time) body.push(fact(labels.time, round.time));
      if (round.task) body.push(fact(labels.task, round.task));
      for (const room of round.rooms) {
        body.push(heading(room.name, 3 + shift));
        if (room.task) body.push(fact(labels.task, room.task));
        if (room.host) body.push(fact(labels.host, room.host));
        const members = [...room.members, ...(room.othersCount > 0 ? [labels.othersNotListed(room.othersCount)] : [])];
        if (members.length > 0) body.push(fact(labels.members, members.join(', ')));
        body.push(...roomDocumentBlocks(room, labels.boardImage(room.name), 4 + shift, language));
      }
    }
  }

  if (sections.plenary) {
    body.push(heading(labels.plenary, 1 + shift));
    body.push(...roomDocumentBlocks(sections.plenary, labels.boardImage(labels.plenary), 2 + shift, language));
  }

  if (sections.findings && sections.findings.items.length > 0) {
    body.push(heading(sections.findings.title || labels.findings, 1 + shift));
    if (sections.findings.intro) body.push(plain(sections.findings.intro));
    for (const item of sections.findings.items) {
      body.push(heading(item.title, 2 + shift));
      if (item.text) body.push(plain(item.text));
      for (const detail of item.details ?? []) body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(clean(detail))] }));
    }
  }

  return body;
}

/** Builds the Word document. */
export function buildDocx(model: DocumentationModel): Document {
  const labels = labelsFor(model.language);
  const body: Block[] = [];
  body.push(new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(clean(model.title))] }));
  const facts: [string, string][] = [
    [labels.date, model.titleBlock.when],
    [labels.format, model.titleBlock.format],
    [labels.moderation, model.titleBlock.moderation],
    [labels.coModeration, model.titleBlock.coModeration],
    [labels.compiledBy, model.titleBlock.compiledBy],
  ];
  for (const [label, value] of facts) if (value.trim()) body.push(fact(label, value));
  if (model.series) {
    body.push(plain(`${labels.dates}:`, { bold: true }));
    for (const date of model.series.dates) body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(clean(`${date.label}: ${date.when}`))] }));
  }
  if (model.titleBlock.description.trim()) body.push(plain(model.titleBlock.description));

  if (hasText(model.summary)) {
    body.push(heading(labels.summary, 1));
    body.push(...richBlocks(model.summary.doc.content, 1));
  }

  if (model.series) {
    for (const part of model.series.parts) {
      body.push(heading(part.heading, 1));
      body.push(fact(labels.date, part.when));
      body.push(...dateSectionBlocks(part, model.language, 1));
    }
  } else {
    body.push(...dateSectionBlocks(model, model.language, 0));
  }

  if (model.nextSteps) {
    body.push(heading(labels.nextSteps, 1));
    body.push(...nextStepsBlocks(model.nextSteps));
  }

  if (model.attachments) {
    body.push(heading(labels.attachments, 1));
    for (const attachment of model.attachments) {
      body.push(
        new Paragraph({
          bullet: { level: 0 },
          children: [
            new ExternalHyperlink({ link: attachment.url, children: [new TextRun({ text: clean(attachment.name), style: 'Hyperlink', underline: {} })] }),
            new TextRun(` (${attachment.sizeText})`),
          ],
        }),
      );
    }
  }

  if (model.participants && model.participants.length > 0) {
    body.push(heading(labels.participants, 1));
    for (const person of model.participants) {
      body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(clean(`${person.name}${person.organisation ? ` (${person.organisation})` : ''}`))] }));
    }
  }

  return new Document({
    title: clean(model.title),
    description: clean(`${labels.documentation}: ${model.title}`),
    creator: 'Werkraum',
    styles: { default: { document: { run: { font: 'Calibri', size: 22 } } } },
    numbering: {
      config: [
        {
          reference: 'ordered',
          levels: Array.from({ length: 9 }, (_, level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    sections: [{ properties: {}, children: body }],
  });
}

/** docx's own compiler (the step of Packer before zipping): path -> XML text or bytes. */
type PackageCompiler = { compile(file: Document, prettify?: boolean, overrides?: unknown[]): Map<string, string | Uint8Array | ArrayBuffer> };

/**
 * Renders the model as a DOCX file. The package is zipped here rather than by Packer, which
 * deflates every part: board PNGs are already compressed, and deflating them again was most of
 * the time of a DOCX with pictures. Falls back to Packer if docx ever stops exposing its compiler.
 */
export async function renderDocx(model: DocumentationModel): Promise<Uint8Array> {
  const document = buildDocx(model);
  const compiler = (Packer as unknown as { compiler?: Partial<PackageCompiler> }).compiler;
  if (typeof compiler?.compile === 'function') {
    const parts = (compiler as PackageCompiler).compile(document, undefined, []);
    const files: Zippable = {};
    for (const [path, data] of parts) {
      const bytes = typeof data === 'string' ? strToU8(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      files[path] = [bytes, { level: path.startsWith('word/media/') ? 0 : 6 }];
    }
    return zipSync(files);
  }
  const buffer = await Packer.toBuffer(document);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
