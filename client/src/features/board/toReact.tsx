import { createElement, type ReactNode } from 'react';
import type { SvgNode } from '@werkraum/shared/board';

/** SVG attribute names as React wants them (camelCase), except data-*, aria-* and a few kept as-is. */
function reactName(name: string): string {
  if (name === 'class') return 'className';
  if (name.startsWith('data-') || name.startsWith('aria-') || name === 'xmlns') return name;
  return name.replace(/[-:]([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Turns the shared scene's element tree into React elements (the server serializes the same tree to SVG). */
export function toReact(node: SvgNode | string, key?: number): ReactNode {
  if (typeof node === 'string') return node;
  const props: Record<string, unknown> = { key };
  for (const [name, value] of Object.entries(node.attrs)) props[reactName(name)] = value;
  return createElement(node.tag, props, ...node.children.map((child, index) => toReact(child, index)));
}
