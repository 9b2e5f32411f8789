import * as Y from 'yjs';
import { addCluster } from '@werkraum/shared/board';

/** A Yjs update that writes the template's headings (one per line), each followed by an empty paragraph. */
export function templateUpdate(template: string): Uint8Array | null {
  const headings = template
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (headings.length === 0) return null;
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  for (const text of headings) {
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', 2 as unknown as string);
    heading.insert(0, [new Y.XmlText(text)]);
    fragment.push([heading, new Y.XmlElement('paragraph')]);
  }
  return Y.encodeStateAsUpdate(doc);
}

/** A Yjs update that puts one cluster per template line on an empty board, side by side. */
export function boardTemplateUpdate(template: string): Uint8Array | null {
  const titles = template
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (titles.length === 0) return null;
  const doc = new Y.Doc();
  titles.forEach((title, index) => addCluster(doc, { title, x: 40 + index * 400, y: 40 }));
  return Y.encodeStateAsUpdate(doc);
}
