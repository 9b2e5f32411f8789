import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, boardProblems, readBoard } from '@werkraum/shared/board';
import { renderBoardOutline, renderBoardSvg } from '../board/render.js';
import { renderNotesHtml, renderNotesMarkdown } from './render.js';
import { notesFragmentProblem, notesProblem } from './validate.js';

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

describe('notes shapes the editor never writes', () => {
  test('bare text beside paragraphs: refused by the check, skipped by the renderers', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('default');
    fragment.insert(0, [paragraph('Erster'), new Y.XmlText('lose'), paragraph('Zweiter')]);
    expect(notesFragmentProblem(fragment)).toMatch(/top level/);
    expect(renderNotesHtml(doc)).toBe('<p>Erster</p><p>Zweiter</p>');
    expect(renderNotesMarkdown(doc)).toBe('Erster\n\nZweiter\n');
  });

  test('2,000 nested blockquotes: refused by the check, rendered to a bounded depth', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('default');
    fragment.insert(0, [paragraph('oben')]);
    // Built one level at a time (integrated), as 2,000 separate edits would be.
    let parent: Y.XmlFragment | Y.XmlElement = fragment;
    for (let i = 0; i < 2_000; i++) {
      const quote = new Y.XmlElement('blockquote');
      parent.insert(parent === fragment ? 1 : 0, [quote]);
      parent = quote;
    }
    parent.insert(0, [paragraph('tief')]);
    expect(notesFragmentProblem(doc.getXmlFragment('default'))).toMatch(/deeper/);
    expect(renderNotesHtml(doc)).toContain('<p>oben</p>');
    expect(renderNotesMarkdown(doc)).toContain('oben');
  });

  test('notes stored with foreign content (by an older version) stay editable; new foreign content is still refused', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('default');
    fragment.insert(0, [paragraph('Alt'), new Y.XmlText('lose'), paragraph('Auch alt')]);
    const check = (change: () => void): string | null | undefined => {
      let problem: string | null | undefined;
      const listener = (transaction: Y.Transaction) => {
        problem = notesProblem(transaction, fragment);
      };
      doc.on('afterTransaction', listener);
      doc.transact(change);
      doc.off('afterTransaction', listener);
      return problem;
    };
    expect(check(() => fragment.insert(3, [paragraph('Neu')]))).toBeNull();
    expect(check(() => fragment.insert(0, [new Y.XmlText('noch mehr')]))).toMatch(/top level/);
    expect(check(() => fragment.insert(1, [paragraph('Neu'), new Y.XmlElement('script')]))).toMatch(/unknown node type script/);
    expect(check(() => fragment.delete(2, 1))).toBeNull();
  });

  test('what the editor writes passes', () => {
    const doc = new Y.Doc();
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', 2 as unknown as string);
    const text = new Y.XmlText('Titel');
    heading.insert(0, [text]);
    doc.getXmlFragment('default').insert(0, [heading, paragraph('Text')]);
    text.format(0, 2, { bold: {} });
    expect(notesFragmentProblem(doc.getXmlFragment('default'))).toBeNull();
  });
});

describe('board shapes outside the model', () => {
  test('h = 1e9, x = 1e8 and NaN: refused by the check, clamped by the readers, kept in the outline, left out of the picture', () => {
    const doc = new Y.Doc();
    const id = addCard(doc, { text: 'Riesig', x: 0, y: 0 });
    const card = doc.getMap('items').get(id) as Y.Map<unknown>;
    card.set('h', 1e9);
    card.set('x', 1e8);
    card.set('y', Number.NaN);
    expect(boardProblems(doc).length).toBeGreaterThan(0);
    const [read] = readBoard(doc).cards;
    expect(read).toMatchObject({ x: 100_000, y: 0, h: 50_000 });
    const svg = renderBoardSvg(doc, { votes: {}, showVotes: false });
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(svg).not.toContain('Riesig');
    expect(renderBoardOutline(doc, {})).toContain('Riesig');
  });
});
