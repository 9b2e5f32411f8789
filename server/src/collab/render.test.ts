import { Node as PmNode } from '@tiptap/pm/model';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { notesSchema, proseMirrorToMarkdown, renderNotesHtml, renderNotesMarkdown } from './render.js';

type Json = Record<string, unknown>;
const text = (t: string, ...marks: Json[]): Json => (marks.length ? { type: 'text', text: t, marks } : { type: 'text', text: t });
const p = (...content: Json[]): Json => ({ type: 'paragraph', content });
const li = (...content: Json[]): Json => ({ type: 'listItem', content });
const bold = { type: 'bold' };
const italic = { type: 'italic' };
const link = (href: string) => ({ type: 'link', attrs: { href } });

/** A notes document as the editor would write it: ProseMirror JSON into the Yjs fragment "default". */
function notesDoc(content: Json[], field = 'default'): Y.Doc {
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(notesSchema(), { type: 'doc', content }, doc.getXmlFragment(field));
  return doc;
}

function markdownOf(...content: Json[]): string {
  return proseMirrorToMarkdown(PmNode.fromJSON(notesSchema(), { type: 'doc', content }));
}

const workshopNotes = [
  { type: 'heading', attrs: { level: 1 }, content: [text('Room 3: Ideas')] },
  p(text('We agreed on '), text('three', bold), text(' things, '), text('roughly', italic), text(':')),
  {
    type: 'bulletList',
    content: [li(p(text('Shorter meetings'))), li(p(text('A shared '), text('calendar', bold, italic)))],
  },
  { type: 'heading', attrs: { level: 2 }, content: [text('Next steps')] },
  {
    type: 'orderedList',
    attrs: { start: 1 },
    content: [li(p(text('Ask the team'))), li(p(text('Read '), text('the guide', link('https://example.org/guide'))))],
  },
  p(text('<script>alert(1)</script>')),
];

describe('renderNotesHtml', () => {
  test('renders headings, lists, marks and links, and escapes text that looks like HTML', () => {
    expect(renderNotesHtml(notesDoc(workshopNotes))).toBe(
      '<h1>Room 3: Ideas</h1>' +
        '<p>We agreed on <strong>three</strong> things, <em>roughly</em>:</p>' +
        '<ul><li><p>Shorter meetings</p></li><li><p>A shared <em><strong>calendar</strong></em></p></li></ul>' +
        '<h2>Next steps</h2>' +
        // start="1" is the default, so OrderedList leaves it out.
        '<ol><li><p>Ask the team</p></li>' +
        '<li><p>Read <a target="_blank" rel="noopener noreferrer nofollow" href="https://example.org/guide">the guide</a></p></li></ol>' +
        '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
  });

  test('strips a javascript: link target and escapes attribute quotes', () => {
    const html = renderNotesHtml(
      notesDoc([p(text('evil', link('javascript:alert(1)'))), p(text('quote', link('https://example.org/?q="x"')))]),
    );
    expect(html).toContain('href="">evil</a>');
    expect(html).toContain('href="https://example.org/?q=&quot;x&quot;"');
  });

  test('reads another field and renders an empty document as nothing', () => {
    expect(renderNotesHtml(notesDoc([p(text('elsewhere'))], 'summary'), 'summary')).toBe('<p>elsewhere</p>');
    expect(renderNotesHtml(new Y.Doc())).toBe('');
  });

  test('never changes the document it renders (y-tiptap repairs a copy)', () => {
    const doc = notesDoc([p(text('kept'))]);
    // An element the schema does not know: y-tiptap deletes such items from the document it reads.
    doc.getXmlFragment('default').insert(0, [new Y.XmlElement('bogusNode')]);
    const before = Y.encodeStateAsUpdate(doc);
    expect(renderNotesHtml(doc)).toBe('<p>kept</p>');
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(doc.getXmlFragment('default').length).toBe(2);
  });
});

describe('renderNotesMarkdown', () => {
  test('renders the same document as CommonMark', () => {
    expect(renderNotesMarkdown(notesDoc(workshopNotes))).toBe(
      [
        '# Room 3: Ideas',
        '',
        'We agreed on **three** things, _roughly_:',
        '',
        '- Shorter meetings',
        '- A shared _**calendar**_',
        '',
        '## Next steps',
        '',
        '1. Ask the team',
        '2. Read [the guide](https://example.org/guide)',
        '',
        '\\<script\\>alert(1)\\</script\\>',
        '',
      ].join('\n'),
    );
  });

  test('escapes Markdown syntax in text', () => {
    expect(markdownOf(p(text('2*3 = 6, a_b, [x](y), `code`, ~~no~~, \\, &amp; & Q&A')))).toBe(
      '2\\*3 = 6, a\\_b, \\[x\\](y), \\`code\\`, \\~\\~no\\~\\~, \\\\, \\&amp; & Q&A\n',
    );
    // Line starts that would become headings, lists, or setext underlines.
    expect(markdownOf(p(text('# no heading')), p(text('- no list')), p(text('1. no list')), p(text('+ no')))).toBe(
      '\\# no heading\n\n\\- no list\n\n1\\. no list\n\n\\+ no\n',
    );
    expect(markdownOf(p(text('title'), { type: 'hardBreak' }, text('===')))).toBe('title\\\n\\===\n');
    expect(markdownOf(p(text('    indented')))).toBe('&#32;&#32;&#32;&#32;indented\n');
    expect(markdownOf({ type: 'heading', attrs: { level: 3 }, content: [text('Topic #')] })).toBe('### Topic \\#\n');
  });

  test('renders strike, code (literal, with a long enough fence) and keeps spaces outside emphasis', () => {
    expect(
      markdownOf(
        p(
          text('gone', { type: 'strike' }),
          text(' '),
          text('a*b`c', { type: 'code' }),
          text(' and '),
          text(' spaced ', bold),
          text('end'),
        ),
      ),
    ).toBe('~~gone~~ ``a*b`c`` and  **spaced** end\n');
  });

  test('renders hard breaks, blockquotes and nested lists with their indentation', () => {
    expect(
      markdownOf(
        p(text('line one'), { type: 'hardBreak' }, text('line two')),
        { type: 'blockquote', content: [p(text('said')), p(text('twice'))] },
        {
          type: 'bulletList',
          content: [
            li(p(text('outer')), { type: 'bulletList', content: [li(p(text('inner')))] }),
            li(p(text('next')), { type: 'orderedList', attrs: { start: 4 }, content: [li(p(text('four')))] }),
          ],
        },
        {
          type: 'orderedList',
          attrs: { start: 9 },
          content: [li(p(text('nine'))), li(p(text('ten')), p(text('second paragraph')))],
        },
      ),
    ).toBe(
      [
        'line one\\',
        'line two',
        '',
        '> said',
        '>',
        '> twice',
        '',
        '- outer',
        '  - inner',
        '- next',
        '',
        '  4. four',
        '',
        '9. nine',
        '10. ten',
        '',
        '    second paragraph',
        '',
      ].join('\n'),
    );
  });

  test('links: unsafe schemes are dropped, characters that end a destination are encoded', () => {
    expect(markdownOf(p(text('evil', link('javascript:alert(1)')), text(' '), text('ok', link('https://e.org/a b(c)'))))).toBe(
      'evil [ok](https://e.org/a%20b%28c%29)\n',
    );
    expect(markdownOf(p(text('rel', link('/workshops/1'))), p(text('mail', link('mailto:a@b.org'))))).toBe(
      '[rel](/workshops/1)\n\n[mail](mailto:a@b.org)\n',
    );
    expect(markdownOf(p(text('sneaky', link(' java\tscript:alert(1)'))))).toBe('sneaky\n');
  });

  test('an empty document is an empty string; empty paragraphs vanish', () => {
    expect(renderNotesMarkdown(new Y.Doc())).toBe('');
    expect(markdownOf(p(), p(text('x')), p())).toBe('x\n');
  });
});

describe('a notes document that someone filled with other Yjs content', () => {
  test('still renders its paragraphs and leaves the foreign content out', () => {
    const foreign = new Y.Doc();
    foreign.getArray('default').insert(0, ['not xml']);
    const notes = new Y.Doc();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Lesbar')]);
    notes.getXmlFragment('default').insert(0, [paragraph]);
    const merged = new Y.Doc();
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(foreign));
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(notes));
    expect(renderNotesMarkdown(merged)).toBe('Lesbar\n');
    expect(renderNotesHtml(merged)).toBe('<p>Lesbar</p>');
  });
});
