import { getSchema, type Extensions } from '@tiptap/core';
import type { Mark, Node as PmNode, Schema } from '@tiptap/pm/model';
import { renderToHTMLString } from '@tiptap/static-renderer/pm/html-string';
import { renderToMarkdown } from '@tiptap/static-renderer/pm/markdown';
import { StarterKit } from '@tiptap/starter-kit';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

/**
 * The editor extensions whose schema the notes documents follow: StarterKit 3 (which includes Link).
 * The client's editor must use the same set (with `undoRedo: false` next to Collaboration, which
 * does not change the schema), or nodes it writes cannot be rendered here.
 */
export const NOTES_EXTENSIONS: Extensions = [StarterKit];

/** The Yjs field (XmlFragment name) TipTap's Collaboration extension uses unless configured otherwise. */
export const DEFAULT_NOTES_FIELD = 'default';

let cachedSchema: Schema | undefined;
/** The ProseMirror schema of the notes, built once (building it resolves every extension). */
export function notesSchema(): Schema {
  cachedSchema ??= getSchema(NOTES_EXTENSIONS);
  return cachedSchema;
}

/**
 * Converts a notes document to a ProseMirror document node without a browser.
 *
 * Works on a copy: y-tiptap's converter "repairs" what does not fit the schema by deleting Yjs
 * items in the document it reads. On the server's live document that would be an edit nobody
 * stored or relayed, so the live document is never handed to it.
 */
export function notesToProseMirror(doc: Y.Doc, field = DEFAULT_NOTES_FIELD): PmNode {
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const fragment = copy.getXmlFragment(field);
    dropForeignChildren(fragment, 0);
    try {
      return yXmlFragmentToProseMirrorRootNode(fragment, notesSchema());
    } catch {
      // Stored content the converter cannot read (written before the server checked writes): its text.
      return plainTextDoc(fragment);
    }
  } finally {
    copy.destroy();
  }
}

/** Deepest nesting the renderers follow; deeper content is skipped (the server refuses writing it). */
const RENDER_MAX_DEPTH = 64;

/**
 * Removes (from the copy) what the editor never writes and the converter cannot read, so stored
 * content from before the server checked writes still renders what it can: anything but XML
 * elements at the top level (bare text, strings, other Yjs types), anything but elements and text
 * inside elements, and elements nested deeper than RENDER_MAX_DEPTH.
 */
function dropForeignChildren(parent: Y.XmlFragment | Y.XmlElement, depth: number): void {
  const children = parent.toArray() as unknown[];
  const topLevel = !(parent instanceof Y.XmlElement);
  for (let index = children.length - 1; index >= 0; index -= 1) {
    const child = children[index];
    if (child instanceof Y.XmlElement && depth < RENDER_MAX_DEPTH) dropForeignChildren(child, depth + 1);
    else if (!(child instanceof Y.XmlText) || topLevel) parent.delete(index, 1);
  }
}

/** The text of every top-level element as paragraphs: the fallback when the converter fails. */
function plainTextDoc(fragment: Y.XmlFragment): PmNode {
  const schema = notesSchema();
  const paragraphs = (fragment.toArray() as unknown[]).map((child) => {
    const text = textOf(child, 0);
    return schema.nodes.paragraph!.create(null, text.length > 0 ? schema.text(text) : null);
  });
  return schema.nodes.doc!.create(null, paragraphs.length > 0 ? paragraphs : [schema.nodes.paragraph!.create()]);
}

function textOf(node: unknown, depth: number): string {
  if (node instanceof Y.XmlText) return node.toDelta().map((op: { insert: unknown }) => (typeof op.insert === 'string' ? op.insert : '')).join('');
  if (node instanceof Y.XmlElement && depth < RENDER_MAX_DEPTH) return (node.toArray() as unknown[]).map((child) => textOf(child, depth + 1)).join(' ');
  return '';
}

/**
 * Renders a notes document to HTML with TipTap's static renderer (the same `renderHTML` of each
 * extension the editor uses). Text is HTML-escaped, attribute values are quoted and escaped, and
 * links with a disallowed scheme (`javascript:` …) lose their href (Link's own XSS guard).
 */
export function renderNotesHtml(doc: Y.Doc, field = DEFAULT_NOTES_FIELD): string {
  return renderNotesNodeHtml(notesToProseMirror(doc, field));
}

/** Renders a notes ProseMirror document (from {@link notesToProseMirror}) to HTML, as {@link renderNotesHtml}. */
export function renderNotesNodeHtml(content: PmNode): string {
  try {
    return renderToHTMLString({ content, extensions: NOTES_EXTENSIONS });
  } catch {
    // Never an error for stored content: at worst the text, escaped.
    return escapeHtml(content.textBetween(0, content.content.size, '\n\n')).split('\n\n').map((p) => `<p>${p}</p>`).join('');
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Renders a notes document to CommonMark. Uses the static renderer's Markdown renderer for the
 * traversal, with our own mappings: its built-in ones are a demo (no Markdown escaping, nested
 * lists lose their indentation, ordered lists ignore `start`), see `markdownBlocks` below.
 */
export function renderNotesMarkdown(doc: Y.Doc, field = DEFAULT_NOTES_FIELD): string {
  return renderNotesNodeMarkdown(notesToProseMirror(doc, field));
}

/** Renders a notes ProseMirror document (from {@link notesToProseMirror}) to CommonMark, as {@link renderNotesMarkdown}. */
export function renderNotesNodeMarkdown(content: PmNode): string {
  try {
    return proseMirrorToMarkdown(content);
  } catch {
    // Never an error for stored content: at worst the text.
    const text = escapeMarkdownText(content.textBetween(0, content.content.size, '\n\n'));
    return text.length > 0 ? `${text}\n` : '';
  }
}

/** Renders a ProseMirror document of the notes schema to CommonMark (ends with a newline unless empty). */
export function proseMirrorToMarkdown(node: PmNode): string {
  const body = renderToMarkdown({
    content: node,
    extensions: NOTES_EXTENSIONS,
    options: {
      nodeMapping: markdownNodes,
      markMapping: markdownMarks,
      // Anything the schema adds later renders as its text rather than throwing.
      unhandledNode: ({ node: n }) => escapeMarkdownText(n.textContent),
      unhandledMark: ({ children }) => join(children),
    },
  });
  return body.length > 0 ? `${body}\n` : '';
}

type Children = string | string[] | undefined;
interface NodeArgs {
  node: PmNode;
  parent?: PmNode;
  children?: Children;
}
interface MarkArgs {
  mark: Mark;
  node: PmNode;
  children?: Children;
}

function join(children: Children, separator = ''): string {
  if (children === undefined) return '';
  return typeof children === 'string' ? children : children.join(separator);
}
function list(children: Children): string[] {
  if (children === undefined) return [];
  return typeof children === 'string' ? [children] : children;
}

/** Joins rendered blocks with blank lines, dropping empty ones (an empty paragraph has no Markdown). */
function joinBlocks(blocks: string[]): string {
  return blocks.filter((b) => b.length > 0).join('\n\n');
}

/** Prefixes the first line with `first` and every other non-empty line with `rest` (list items, quotes). */
function prefixLines(text: string, first: string, rest: string, emptyLine = ''): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first + line : line.length > 0 ? rest + line : emptyLine))
    .join('\n');
}

/**
 * Block-level mappings. Every block renders to its lines without surrounding blank lines; containers
 * (doc, list item, blockquote) put the blank lines between their blocks, so nesting stays correct.
 */
const markdownNodes: Record<string, (args: NodeArgs) => string> = {
  doc: ({ children }) => joinBlocks(list(children)),
  text: ({ node }) => {
    const text = node.text ?? '';
    // Code spans are literal: no escaping inside; the code mark itself then leaves the text alone.
    if (node.marks.some((m) => m.type.name === 'code')) return codeSpan(text);
    return escapeMarkdownText(text);
  },
  paragraph: ({ children }) => escapeLineStarts(join(children)),
  heading: ({ node, children }) => {
    const level = Math.min(Math.max(Number(node.attrs.level) || 1, 1), 6);
    // A heading is one line in Markdown: hard breaks inside become spaces.
    const text = join(children)
      .replace(/\\\n/g, ' ')
      .trim()
      // A trailing run of # would be read as the heading's optional closing sequence and dropped.
      .replace(/(^|\s)(#+)$/, '$1\\$2');
    return text.length > 0 ? `${'#'.repeat(level)} ${text}` : '';
  },
  hardBreak: () => '\\\n',
  horizontalRule: () => '---',
  blockquote: ({ children }) => prefixLines(joinBlocks(list(children)), '> ', '> ', '>'),
  codeBlock: ({ node }) => {
    const text = node.textContent;
    const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
    const language = typeof node.attrs.language === 'string' ? node.attrs.language.replace(/[^\w+#.-]/g, '') : '';
    return `${fence}${language}\n${text}\n${fence}`;
  },
  bulletList: ({ children }) =>
    list(children)
      .map((item) => prefixLines(item, '- ', '  '))
      .join('\n'),
  orderedList: ({ node, children }) => {
    const start = Number.isInteger(node.attrs.start) ? (node.attrs.start as number) : 1;
    return list(children)
      .map((item, i) => {
        const marker = `${start + i}. `;
        return prefixLines(item, marker, ' '.repeat(marker.length));
      })
      .join('\n');
  },
  listItem: ({ node, children }) => {
    const parts = list(children);
    let out = '';
    parts.forEach((part, i) => {
      if (part.length === 0) return;
      if (out.length > 0) out += tightlyNested(node.child(i)) ? '\n' : '\n\n';
      out += part;
    });
    return out;
  },
};

/**
 * Whether a block inside a list item may follow the previous block on the next line (a tight list).
 * Only a nested list can; and an ordered list not starting at 1 cannot interrupt a paragraph in
 * CommonMark, so it needs the blank line too.
 */
function tightlyNested(block: PmNode): boolean {
  if (block.type.name === 'bulletList') return true;
  return block.type.name === 'orderedList' && (block.attrs.start ?? 1) === 1;
}

/** Inline marks. Emphasis delimiters must touch the text, so surrounding spaces move outside them. */
const markdownMarks: Record<string, (args: MarkArgs) => string> = {
  bold: ({ children }) => wrap(join(children), '**'),
  italic: ({ children }) => wrap(join(children), '_'),
  strike: ({ children }) => wrap(join(children), '~~'),
  underline: ({ children }) => join(children), // Markdown has no underline; keep the text.
  code: ({ children }) => join(children), // already a code span, see the text mapping
  link: ({ mark, children }) => {
    const text = join(children);
    const href = typeof mark.attrs.href === 'string' ? safeHref(mark.attrs.href) : undefined;
    return href === undefined ? text : `[${text}](${href})`;
  },
};

function wrap(text: string, delimiter: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  if (!match || match[2]!.length === 0) return text;
  return `${match[1]}${delimiter}${match[2]}${delimiter}${match[3]}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** A code span whose fence is longer than any backtick run inside (CommonMark's rule). */
function codeSpan(text: string): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Escapes inline text: characters that start emphasis, code, links, HTML or entities anywhere in a
 * line. `<` is always escaped so text that looks like HTML stays text; `&` only where it would read
 * as an entity.
 */
export function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>~]/g, '\\$&').replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
}

/**
 * Escapes what only matters at the start of a line (headings, quotes, list markers, setext
 * underlines, indented code). Runs on a finished paragraph, whose lines start with text or with
 * our own inline delimiters, none of which are line-start syntax.
 */
function escapeLineStarts(paragraph: string): string {
  return paragraph
    .split('\n')
    .map((line) =>
      line
        // Leading spaces would be stripped or turn the line into code: keep them as entities.
        .replace(/^ +/, (spaces) => '&#32;'.repeat(spaces.length))
        .replace(/^(#{1,6})(?=\s|$)/, '\\$1')
        .replace(/^([-+])(?=\s|$)/, '\\$1')
        .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
        .replace(/^(=+|-+)(\s*)$/, (_all, run: string, tail: string) => `\\${run}${tail}`),
    )
    .join('\n');
}

/** Allowed link targets (the same schemes TipTap's Link accepts by default, plus relative links). */
const SAFE_SCHEME = /^(?:https?|ftps?|mailto|tel|callto|sms|cid|xmpp):/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** A link target safe to put in Markdown, or undefined for a scheme that could run script. */
function safeHref(href: string): string | undefined {
  // Browsers ignore control characters and whitespace inside a scheme ("java\nscript:"), so must we.
  // eslint-disable-next-line no-control-regex
  const compact = href.replace(/[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000]/g, '');
  if (compact.length === 0) return undefined;
  if (ANY_SCHEME.test(compact) && !SAFE_SCHEME.test(compact)) return undefined;
  // Characters that would end or break the link destination are percent-encoded.
  return href.trim().replace(/[\s()<>\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
