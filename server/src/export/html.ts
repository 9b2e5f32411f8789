/**
 * The documentation as one self-contained HTML file: inline CSS, poll charts as inline SVG, board
 * pictures as data-URI PNG, `lang` set, print styles with a page break before each breakout round.
 * Every text from the workshop is escaped; notes come from the server's notes renderer (escaped,
 * unsafe link schemes dropped). The same HTML is printed to PDF.
 */
import { labelsFor } from './labels.js';
import type { Language } from '@werkraum/shared/roles';
import { hasText, type DocumentationDateSections, type DocumentationModel, type NextStepsBlock, type PollModel, type RichText, type RoomDocuments } from './model.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Demotes the headings of embedded notes (already escaped by the notes renderer) by `levels`, at most h6. */
function embedRich(rich: RichText, levels: number): string {
  return rich.html.replace(/<(\/?)h([1-6])(\s[^>]*)?>/g, (_all, slash: string, level: string, attrs?: string) => {
    const to = Math.min(6, Number(level) + levels);
    return `<${slash}h${to}${attrs ?? ''}>`;
  });
}

/** Free text as paragraphs with line breaks. */
function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((block) => `<p>${block.split('\n').map(escapeHtml).join('<br>')}</p>`)
    .join('');
}

/** A board's Markdown outline as HTML: cluster titles and lists of their cards (text escaped). */
function outlineHtml(outline: string): string {
  const out: string[] = ['<div class="outline">'];
  let open = false;
  for (const raw of outline.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const text = (value: string) => escapeHtml(value.replace(/\\(.)/g, '$1'));
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (item) {
      if (!open) out.push('<ul>');
      open = true;
      out.push(`<li>${text(item[1]!)}</li>`);
      continue;
    }
    if (open) out.push('</ul>');
    open = false;
    out.push(heading ? `<p><strong>${text(heading[1]!)}</strong></p>` : `<p>${text(line)}</p>`);
  }
  if (open) out.push('</ul>');
  out.push('</div>');
  return out.join('');
}

/** The "next steps" blocks: paragraphs with line breaks and lists, every line escaped. */
function nextStepsHtml(blocks: readonly NextStepsBlock[]): string {
  return blocks
    .map((block) =>
      block.kind === 'list' ? `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>` : `<p>${block.lines.map(escapeHtml).join('<br>')}</p>`,
    )
    .join('');
}

/**
 * A room's notes and board (a breakout room's or the plenary's): "Notes" and "Board" headings at
 * `level` (already shifted), the notes' headings below them, the board's picture and outline.
 */
function roomDocumentsHtml(docs: RoomDocuments, boardTitle: string, level: number, language: Language): string[] {
  const labels = labelsFor(language);
  const h = Math.min(6, level);
  const parts: string[] = [];
  if (hasText(docs.notes)) parts.push(`<h${h}>${escapeHtml(labels.notes)}</h${h}><div class="notes">${embedRich(docs.notes, level)}</div>`);
  if (docs.board) {
    parts.push(`<h${h}>${escapeHtml(labels.board)}</h${h}>`);
    const source = docs.board.png
      ? `data:image/png;base64,${Buffer.from(docs.board.png).toString('base64')}`
      : `data:image/svg+xml;base64,${Buffer.from(docs.board.svg).toString('base64')}`;
    parts.push(`<img class="board" src="${source}" alt="${escapeHtml(boardTitle)}">`);
    if (docs.board.outline.trim()) parts.push(outlineHtml(docs.board.outline));
  }
  return parts;
}

/** A horizontal bar chart of a poll's counts (inline SVG, with a text alternative). */
function pollChart(poll: PollModel, title: string): string {
  const rowHeight = 28;
  const labelWidth = 220;
  const barWidth = 360;
  const height = poll.rows.length * rowHeight + 8;
  const max = Math.max(1, ...poll.rows.map((row) => row.count));
  const bars = poll.rows
    .map((row, index) => {
      const y = index * rowHeight + 4;
      const width = Math.round((row.count / max) * barWidth);
      const label = row.label.length > 32 ? `${row.label.slice(0, 31)}…` : row.label;
      return (
        `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(width, 1)}" height="${rowHeight - 10}" rx="3" fill="#1f5fa8"></rect>` +
        `<text x="${labelWidth + width + 6}" y="${y + 18}">${row.count} (${row.percent} %)</text>`
      );
    })
    .join('');
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${labelWidth + barWidth + 90} ${height}" width="100%" style="max-width:${labelWidth + barWidth + 90}px">` +
    `<g font-family="system-ui, sans-serif" font-size="13" fill="#1a1a1a">${bars}</g></svg>`
  );
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a; background: #fff;
  line-height: 1.5; max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem; }
h1 { font-size: 1.9rem; margin: 0 0 .75rem; } h2 { font-size: 1.45rem; margin-top: 2.2rem; border-bottom: 2px solid #d9dee5; padding-bottom: .2rem; }
h3 { font-size: 1.2rem; margin-top: 1.6rem; } h4 { font-size: 1.05rem; margin-top: 1.3rem; } h5, h6 { font-size: 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; } dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid #c4cbd4; padding: .3rem .5rem; text-align: left; vertical-align: top; } th { background: #eef1f5; } #agenda td:nth-child(-n+2), section.agenda td:nth-child(-n+2) { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.notes { border-left: 3px solid #d9dee5; padding-left: .9rem; }
img.board { max-width: 100%; height: auto; border: 1px solid #c4cbd4; }
.muted { color: #4a5462; }
a { color: #0b4f9c; }
@media print {
  body { max-width: none; padding: 0; }
  section.round, section.date-part { break-before: page; }
  h2, h3, h4 { break-after: avoid; } table, img, svg { break-inside: avoid; }
  a { color: inherit; }
}
`;

/**
 * The sections one date contributes (agenda, polls, rounds, plenary, findings), headings moved down by
 * `shift`; `idSuffix` keeps section ids unique when a series has several parts.
 */
function renderDateSections(sections: DocumentationDateSections, language: Language, shift: number, idSuffix = ''): string[] {
  const labels = labelsFor(language);
  const h = (level: number) => Math.min(6, level + shift);
  const idAttr = (name: string) => (idSuffix ? `id="${name}${idSuffix}" class="${name}"` : `id="${name}"`);
  const parts: string[] = [];
  if (sections.agenda) {
    const rows = sections.agenda.rows
      .map(
        (row) =>
          `<tr><td>${escapeHtml(row.plannedStart)}–${escapeHtml(row.plannedEnd)}</td><td>${escapeHtml(row.actualStart ?? '–')}–${escapeHtml(row.actualEnd ?? '–')}</td>` +
          `<td>${escapeHtml(row.title)}</td><td>${escapeHtml(row.type)}</td><td>${escapeHtml(row.changes.join(', '))}</td></tr>`,
      )
      .join('');
    parts.push(
      `<section ${idAttr('agenda')}><h${h(2)}>${escapeHtml(labels.agenda)}</h${h(2)}><table><thead><tr><th scope="col">${escapeHtml(labels.planned)}</th>` +
        `<th scope="col">${escapeHtml(labels.actual)}</th><th scope="col">${escapeHtml(labels.block)}</th>` +
        `<th scope="col">${escapeHtml(labels.type)}</th><th scope="col">${escapeHtml(labels.changes)}</th></tr></thead><tbody>${rows}</tbody></table>` +
        `<p><strong>${escapeHtml(labels.plannedEndOfWorkshop)}:</strong> ${escapeHtml(sections.agenda.plannedEnd ?? '–')}` +
        (sections.agenda.actualEnd ? `<br><strong>${escapeHtml(labels.actualEndOfWorkshop)}:</strong> ${escapeHtml(sections.agenda.actualEnd)}` : '') +
        '</p></section>',
    );
  }

  if (sections.polls) {
    parts.push(`<section ${idAttr('polls')}><h${h(2)}>${escapeHtml(labels.polls)}</h${h(2)}>`);
    for (const poll of sections.polls) {
      parts.push(`<h${h(3)}>${escapeHtml(poll.question)}</h${h(3)}>`);
      parts.push(`<p class="muted">${escapeHtml(labels.participation(poll.participants))}${poll.anonymous ? ` (${escapeHtml(labels.anonymous)})` : ''}</p>`);
      if (poll.rows.length > 0) {
        parts.push(pollChart(poll, poll.question));
        parts.push(
          `<table><thead><tr><th scope="col">${escapeHtml(labels.option)}</th><th scope="col">${escapeHtml(labels.votes)}</th><th scope="col">${escapeHtml(labels.share)}</th></tr></thead><tbody>` +
            poll.rows.map((row) => `<tr><td>${escapeHtml(row.label)}</td><td class="num">${row.count}</td><td class="num">${row.percent} %</td></tr>`).join('') +
            '</tbody></table>',
        );
      }
      if (poll.mean !== null) parts.push(`<p><strong>${escapeHtml(labels.mean)}:</strong> ${escapeHtml(poll.mean.toLocaleString(language === 'de' ? 'de-DE' : 'en-GB'))}</p>`);
      if (poll.texts.length > 0) parts.push(`<ul class="answers">${poll.texts.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ul>`);
    }
    parts.push('</section>');
  }

  if (sections.breakouts) {
    parts.push(`<section ${idAttr('breakouts')}><h${h(2)}>${escapeHtml(labels.breakouts)}</h${h(2)}>`);
    for (const round of sections.breakouts) {
      parts.push(`<section class="round"><h${h(3)}>${escapeHtml(round.title)}</h${h(3)}>`);
      const facts = [round.time ? [labels.time, round.time] : null, round.task ? [labels.task, round.task] : null].filter((fact): fact is string[] => fact !== null);
      if (facts.length > 0) parts.push(`<dl class="facts">${facts.map(([label, value]) => `<dt>${escapeHtml(label!)}</dt><dd>${escapeHtml(value!)}</dd>`).join('')}</dl>`);
      for (const room of round.rooms) {
        parts.push(`<section class="room"><h${h(4)}>${escapeHtml(room.name)}</h${h(4)}>`);
        const members = [...room.members, ...(room.othersCount > 0 ? [labels.othersNotListed(room.othersCount)] : [])];
        const roomFacts = [
          room.task ? [labels.task, room.task] : null,
          room.host ? [labels.host, room.host] : null,
          members.length > 0 ? [labels.members, members.join(', ')] : null,
        ].filter((fact): fact is string[] => fact !== null);
        if (roomFacts.length > 0) parts.push(`<dl class="facts">${roomFacts.map(([label, value]) => `<dt>${escapeHtml(label!)}</dt><dd>${escapeHtml(value!)}</dd>`).join('')}</dl>`);
        parts.push(...roomDocumentsHtml(room, labels.boardImage(room.name), 5 + shift, language));
        parts.push('</section>');
      }
      parts.push('</section>');
    }
    parts.push('</section>');
  }

  if (sections.plenary) {
    parts.push(`<section ${idAttr('plenary')}><h${h(2)}>${escapeHtml(labels.plenary)}</h${h(2)}>`);
    parts.push(...roomDocumentsHtml(sections.plenary, labels.boardImage(labels.plenary), 3 + shift, language));
    parts.push('</section>');
  }

  if (sections.findings && sections.findings.items.length > 0) {
    parts.push(`<section ${idAttr('findings')}><h${h(2)}>${escapeHtml(sections.findings.title || labels.findings)}</h${h(2)}>`);
    if (sections.findings.intro) parts.push(paragraphs(sections.findings.intro));
    for (const item of sections.findings.items) {
      parts.push(`<h${h(3)}>${escapeHtml(item.title)}</h${h(3)}>`);
      if (item.text) parts.push(paragraphs(item.text));
      if (item.details && item.details.length > 0) parts.push(`<ul>${item.details.map((detail) => `<li>${escapeHtml(detail)}</li>`).join('')}</ul>`);
    }
    parts.push('</section>');
  }

  return parts;
}

/** Renders the model as one HTML document. */
export function renderHtml(model: DocumentationModel): string {
  const labels = labelsFor(model.language);
  const parts: string[] = [];
  parts.push(`<header><h1>${escapeHtml(model.title)}</h1>`);
  const facts: [string, string][] = [
    [labels.date, model.titleBlock.when],
    [labels.format, model.titleBlock.format],
    [labels.moderation, model.titleBlock.moderation],
    [labels.coModeration, model.titleBlock.coModeration],
    [labels.compiledBy, model.titleBlock.compiledBy],
  ];
  parts.push(
    `<dl class="facts">${facts
      .filter(([, value]) => value.trim())
      .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
      .join('')}</dl>`,
  );
  if (model.series) {
    parts.push(
      `<p><strong>${escapeHtml(labels.dates)}:</strong></p><ul class="dates">` +
        model.series.dates.map((date) => `<li>${escapeHtml(date.label)}: ${escapeHtml(date.when)}</li>`).join('') +
        '</ul>',
    );
  }
  if (model.titleBlock.description.trim()) parts.push(`<div class="description">${paragraphs(model.titleBlock.description)}</div>`);
  parts.push('</header>');

  if (hasText(model.summary)) {
    parts.push(`<section id="summary"><h2>${escapeHtml(labels.summary)}</h2><div class="notes">${embedRich(model.summary, 2)}</div></section>`);
  }

  if (model.series) {
    model.series.parts.forEach((part, index) => {
      parts.push(`<section class="date-part" id="date-${index + 1}"><h2>${escapeHtml(part.heading)}</h2>`);
      parts.push(`<dl class="facts"><dt>${escapeHtml(labels.date)}</dt><dd>${escapeHtml(part.when)}</dd></dl>`);
      parts.push(...renderDateSections(part, model.language, 1, `-${index + 1}`));
      parts.push('</section>');
    });
  } else {
    parts.push(...renderDateSections(model, model.language, 0));
  }

  if (model.nextSteps) {
    parts.push(`<section id="nextSteps"><h2>${escapeHtml(labels.nextSteps)}</h2>${nextStepsHtml(model.nextSteps)}</section>`);
  }

  if (model.attachments) {
    parts.push(
      `<section id="attachments"><h2>${escapeHtml(labels.attachments)}</h2><ul>` +
        model.attachments.map((attachment) => `<li><a href="${escapeHtml(attachment.url)}" download>${escapeHtml(attachment.name)}</a> (${escapeHtml(attachment.sizeText)})</li>`).join('') +
        '</ul></section>',
    );
  }

  if (model.participants && model.participants.length > 0) {
    parts.push(
      `<section id="participants"><h2>${escapeHtml(labels.participants)}</h2><ul>` +
        model.participants.map((person) => `<li>${escapeHtml(person.name)}${person.organisation ? ` (${escapeHtml(person.organisation)})` : ''}</li>`).join('') +
        '</ul></section>',
    );
  }

  return (
    `<!doctype html>\n<html lang="${model.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(`${model.title} – ${labels.documentation}`)}</title><style>${STYLE}</style></head><body><main>${parts.join('\n')}</main></body></html>\n`
  );
}
