/**
 * The documentation as CommonMark: headings for the sections, tables for the agenda and poll
 * counts (charts as tables), notes as Markdown with their headings moved below the room's heading,
 * board pictures as `images/board-<roomId>.png` next to the file (they are in the ZIP).
 */
import { escapeMarkdownText } from '../collab/render.js';
import { labelsFor } from './labels.js';
import type { Language } from '@werkraum/shared/roles';
import { hasText, type DocumentationDateSections, type DocumentationModel, type NextStepsBlock, type RoomDocuments } from './model.js';

/** Escapes inline text; line breaks become spaces (for headings and table cells). */
function inline(text: string): string {
  return escapeMarkdownText(text.replace(/\s*\n\s*/g, ' '))
    .replace(/^(#{1,6})(?=\s|$)/, '\\$1')
    .replace(/^([-+])(?=\s|$)/, '\\$1')
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** A table cell: inline text with pipes escaped. */
function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** A paragraph of free text: each line escaped, line breaks kept as hard breaks. */
function paragraph(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => inline(line.trim()))
        .join('  \n'),
    )
    .join('\n\n');
}

/**
 * One line of text typed as plain text: inline text with pipes and every line-start marker escaped
 * (also `---` and `===`, which would make a heading or a rule of the line above).
 */
function textLine(text: string): string {
  return cell(text).replace(/^([=+-])/, '\\$1');
}

/** The "next steps" blocks: paragraphs with their line breaks, lists as lists; nothing typed becomes markup. */
function nextStepsMarkdown(blocks: readonly NextStepsBlock[]): string[] {
  return blocks.map((block) => (block.kind === 'list' ? block.items.map((item) => `- ${textLine(item)}`).join('\n') : block.lines.map(textLine).join('  \n')));
}

/**
 * A room's notes and board (a breakout room's or the plenary's): "Notes" and "Board" headings at
 * `level` (already shifted), the notes' own headings below them, the board's picture and outline.
 */
function roomDocumentsMarkdown(docs: RoomDocuments & { id: string }, boardTitle: string, level: number, language: Language): string[] {
  const labels = labelsFor(language);
  const h = '#'.repeat(Math.min(6, level));
  const out: string[] = [];
  if (hasText(docs.notes)) {
    out.push(`${h} ${inline(labels.notes)}`);
    out.push(shiftHeadings(docs.notes.markdown.trim(), level));
  }
  if (docs.board) {
    out.push(`${h} ${inline(labels.board)}`);
    if (docs.board.png) out.push(`![${inline(boardTitle)}](images/board-${docs.id}.png)`);
    if (docs.board.outline.trim()) out.push(shiftHeadings(docs.board.outline.trim(), level));
  }
  return out;
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** Moves the headings of embedded Markdown down by `levels` (at most level 6), outside code fences. */
export function shiftHeadings(markdown: string, levels: number): string {
  let fence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const fenceMatch = /^(`{3,}|~{3,})/.exec(line);
      if (fenceMatch) {
        if (fence === null) fence = fenceMatch[1]![0]!;
        else if (fenceMatch[1]![0] === fence) fence = null;
        return line;
      }
      if (fence !== null) return line;
      const heading = /^(#{1,6})(\s.*)?$/.exec(line);
      if (!heading) return line;
      return `${'#'.repeat(Math.min(6, heading[1]!.length + levels))}${heading[2] ?? ''}`;
    })
    .join('\n');
}

/** The sections one date contributes (agenda, polls, rounds, plenary, findings), headings moved down by `shift`. */
function renderDateSections(sections: DocumentationDateSections, language: Language, shift: number): string[] {
  const labels = labelsFor(language);
  const h = (level: number) => '#'.repeat(Math.min(6, level + shift));
  const out: string[] = [];
  if (sections.agenda) {
    out.push(`${h(2)} ${inline(labels.agenda)}`);
    out.push(
      table(
        [labels.plannedStart, labels.plannedEnd, labels.actualStart, labels.actualEnd, labels.block, labels.type, labels.changes],
        sections.agenda.rows.map((row) => [
          row.plannedStart,
          row.plannedEnd,
          row.actualStart ?? '–',
          row.actualEnd ?? '–',
          row.title,
          row.type,
          row.changes.join(', '),
        ]),
      ),
    );
    const ends = [`**${inline(labels.plannedEndOfWorkshop)}:** ${inline(sections.agenda.plannedEnd ?? '–')}`];
    if (sections.agenda.actualEnd) ends.push(`**${inline(labels.actualEndOfWorkshop)}:** ${inline(sections.agenda.actualEnd)}`);
    out.push(ends.join('  \n'));
  }

  if (sections.polls) {
    out.push(`${h(2)} ${inline(labels.polls)}`);
    for (const poll of sections.polls) {
      out.push(`${h(3)} ${inline(poll.question)}`);
      out.push(`${inline(labels.participation(poll.participants))}${poll.anonymous ? ` (${inline(labels.anonymous)})` : ''}`);
      if (poll.rows.length > 0) {
        out.push(table([labels.option, labels.votes, labels.share], poll.rows.map((row) => [row.label, String(row.count), `${row.percent} %`])));
      }
      if (poll.mean !== null) out.push(`**${inline(labels.mean)}:** ${poll.mean.toLocaleString(language === 'de' ? 'de-DE' : 'en-GB')}`);
      if (poll.texts.length > 0) out.push(poll.texts.map((text) => `- ${inline(text)}`).join('\n'));
      if (poll.participants === 0) out.push(inline(labels.noAnswers));
    }
  }

  if (sections.breakouts) {
    out.push(`${h(2)} ${inline(labels.breakouts)}`);
    for (const round of sections.breakouts) {
      out.push(`${h(3)} ${inline(round.title)}`);
      const facts = [round.time ? `**${inline(labels.time)}:** ${inline(round.time)}` : '', round.task ? `**${inline(labels.task)}:** ${inline(round.task)}` : ''].filter(Boolean);
      if (facts.length > 0) out.push(facts.join('  \n'));
      for (const room of round.rooms) {
        out.push(`${h(4)} ${inline(room.name)}`);
        const roomFacts: string[] = [];
        if (room.task) roomFacts.push(`**${inline(labels.task)}:** ${inline(room.task)}`);
        if (room.host) roomFacts.push(`**${inline(labels.host)}:** ${inline(room.host)}`);
        const members = [...room.members.map(inline), ...(room.othersCount > 0 ? [inline(labels.othersNotListed(room.othersCount))] : [])];
        if (members.length > 0) roomFacts.push(`**${inline(labels.members)}:** ${members.join(', ')}`);
        if (roomFacts.length > 0) out.push(roomFacts.join('  \n'));
        out.push(...roomDocumentsMarkdown(room, labels.boardImage(room.name), 5 + shift, language));
      }
    }
  }

  if (sections.plenary) {
    out.push(`${h(2)} ${inline(labels.plenary)}`);
    out.push(...roomDocumentsMarkdown(sections.plenary, labels.boardImage(labels.plenary), 3 + shift, language));
  }

  if (sections.findings && sections.findings.items.length > 0) {
    out.push(`${h(2)} ${inline(sections.findings.title || labels.findings)}`);
    if (sections.findings.intro) out.push(paragraph(sections.findings.intro));
    for (const item of sections.findings.items) {
      out.push(`${h(3)} ${inline(item.title)}`);
      if (item.text) out.push(paragraph(item.text));
      if (item.details && item.details.length > 0) out.push(item.details.map((detail) => `- ${inline(detail)}`).join('\n'));
    }
  }

  return out;
}

/** Renders the model as one Markdown document. */
export function renderMarkdown(model: DocumentationModel): string {
  const labels = labelsFor(model.language);
  const out: string[] = [];
  out.push(`# ${inline(model.title)}`);
  const facts: [string, string][] = [
    [labels.date, model.titleBlock.when],
    [labels.format, model.titleBlock.format],
    [labels.moderation, model.titleBlock.moderation],
    [labels.coModeration, model.titleBlock.coModeration],
    [labels.compiledBy, model.titleBlock.compiledBy],
  ];
  out.push(
    facts
      .filter(([, value]) => value.trim().length > 0)
      .map(([label, value]) => `**${inline(label)}:** ${inline(value)}`)
      .join('  \n'),
  );
  if (model.series) {
    out.push(`**${inline(labels.dates)}:**`);
    out.push(model.series.dates.map((date) => `- ${inline(date.label)}: ${inline(date.when)}`).join('\n'));
  }
  if (model.titleBlock.description.trim()) out.push(paragraph(model.titleBlock.description));

  if (hasText(model.summary)) {
    out.push(`## ${inline(labels.summary)}`);
    out.push(shiftHeadings(model.summary.markdown.trim(), 2));
  }

  if (model.series) {
    for (const part of model.series.parts) {
      out.push(`## ${inline(part.heading)}`);
      out.push(`**${inline(labels.date)}:** ${inline(part.when)}`);
      out.push(...renderDateSections(part, model.language, 1));
    }
  } else {
    out.push(...renderDateSections(model, model.language, 0));
  }

  if (model.nextSteps) {
    out.push(`## ${inline(labels.nextSteps)}`);
    out.push(...nextStepsMarkdown(model.nextSteps));
  }

  if (model.attachments) {
    out.push(`## ${inline(labels.attachments)}`);
    out.push(model.attachments.map((attachment) => `- [${inline(attachment.name)}](<${attachment.url.replace(/[<>\s]/g, encodeURIComponent)}>) (${inline(attachment.sizeText)})`).join('\n'));
  }

  if (model.participants && model.participants.length > 0) {
    out.push(`## ${inline(labels.participants)}`);
    out.push(model.participants.map((person) => `- ${inline(person.name)}${person.organisation ? ` (${inline(person.organisation)})` : ''}`).join('\n'));
  }

  return `${out.filter((part) => part.trim().length > 0).join('\n\n')}\n`;
}
