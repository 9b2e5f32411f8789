/**
 * What the server accepts into shared documents, checked at write time on a scratch copy of the
 * document with the update applied (see `CollabServer`): refused updates are neither stored nor
 * relayed, so a hostile or broken client cannot make a room's notes or board unreadable.
 *
 * - Notes (`notes:*`, `summary:*`): the `default` XML fragment holds only what the TipTap editor
 *   (StarterKit) writes: elements of the schema's node types, with the schema's attributes, text
 *   with the schema's marks, no bare text or other content at the top level, nesting at most
 *   `NOTES_MAX_DEPTH` deep.
 * - Boards and drafts: every changed item against the board model (`itemProblem`), the settings
 *   against theirs. On a room's board, participants (not the moderation) may not change locked
 *   items (beyond the layout moves the model makes), nor anything while the board is locked, nor
 *   the settings, nor lock anything; while private writing is on they may not put new cards
 *   straight onto the board (new cards go into their drafts).
 */
import { ITEMS_KEY, SETTINGS_KEY, itemProblem, settingsProblem } from '@werkraum/shared/board';
import { parseDraftDocName, parseRoomDocName } from '@werkraum/shared/rooms';
import type { Schema } from '@tiptap/pm/model';
import * as Y from 'yjs';
import { DEFAULT_NOTES_FIELD, notesSchema } from './render.js';
import type { RootRules } from './server.js';

/** Deepest nesting of elements in a notes document (a list in a list in a quote … counts each level). */
export const NOTES_MAX_DEPTH = 64;
/** Longest attribute value (a link's href, a code block's language), characters. */
const ATTRIBUTE_MAX_CHARS = 4_096;

/** What the server knows about the person behind a connection, decided when it opens. */
export interface ConnectionPolicy {
  /** The person's display name: the name in their presence (awareness) state is set to it. */
  displayName: string;
  /** Moderator or co-moderator: may lock, unlock and change locked things. */
  facilitator: boolean;
  /** Private writing is on for the board of this document's room. */
  privateWriting: boolean;
}

/** One write to check: the document before (live) and after (scratch copy), and the transaction that led there. */
export interface WriteCheck {
  docName: string;
  before: Y.Doc;
  after: Y.Doc;
  transaction: Y.Transaction;
  /** Null for the server's own writes (templates, reveal). */
  policy: ConnectionPolicy | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types differ only in their event type
type AnyType = Y.AbstractType<any>;

type DocumentKind = 'notes' | 'board' | 'drafts' | 'other';

function kindOf(docName: string): DocumentKind {
  if (docName.startsWith('summary:')) return 'notes';
  const room = parseRoomDocName(docName);
  if (room) return room.kind;
  return parseDraftDocName(docName) ? 'drafts' : 'other';
}

/**
 * The top-level structure each kind of document may have: notes are one XML fragment of elements
 * (what the editor writes); boards and drafts are maps of items and settings.
 */
export function documentRoots(docName: string): RootRules {
  if (kindOf(docName) === 'notes') return { [DEFAULT_NOTES_FIELD]: [Y.XmlElement] };
  return { [ITEMS_KEY]: [Y.Map], [SETTINGS_KEY]: 'any' };
}

/** Why a write may not be stored, or null when it may. */
export function checkDocumentWrite(check: WriteCheck): string | null {
  switch (kindOf(check.docName)) {
    case 'notes':
      return notesProblem(check.transaction, check.after.getXmlFragment(DEFAULT_NOTES_FIELD));
    case 'board':
      return boardProblem(check, true);
    case 'drafts':
      return boardProblem(check, false);
    default:
      return null;
  }
}

// ---- notes ----

/** Whether a type was created in this transaction (so its whole content is new and must be checked). */
function isNew(type: AnyType, transaction: Y.Transaction): boolean {
  const item = type._item;
  return item !== null && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
}

/** Nesting depth of an element: 1 for a child of the fragment. */
function depthOf(type: AnyType): number {
  let depth = 0;
  let current: AnyType | null = type;
  while (current?._item) {
    depth += 1;
    if (depth > NOTES_MAX_DEPTH) return depth;
    current = current._item.parent as AnyType | null;
  }
  return depth;
}

function isPlainValue(value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.length <= ATTRIBUTE_MAX_CHARS;
}

/** The mark name behind a formatting key: y-tiptap suffixes marks that may overlap with `--<8 chars>`. */
function markName(key: string): string {
  return /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key;
}

function elementProblem(element: Y.XmlElement, schema: Schema): string | null {
  const type = schema.nodes[element.nodeName];
  if (!type || type.name === 'doc' || type.name === 'text') return `unknown node type ${element.nodeName.slice(0, 40)}`;
  for (const [key, value] of Object.entries(element.getAttributes())) {
    if (!type.spec.attrs || !(key in type.spec.attrs)) return `unknown attribute ${key.slice(0, 40)}`;
    if (!isPlainValue(value)) return `attribute ${key} is not a plain value`;
  }
  return null;
}

function textProblem(text: Y.XmlText, schema: Schema): string | null {
  if (Object.keys(text.getAttributes()).length > 0) return 'text with attributes';
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== 'string') return 'embedded content in text';
    for (const [key, attrs] of Object.entries(op.attributes ?? {})) {
      const mark = schema.marks[markName(key)];
      if (!mark) return `unknown mark ${key.slice(0, 40)}`;
      if (attrs === null || attrs === true) continue;
      if (typeof attrs !== 'object' || Array.isArray(attrs)) return `mark ${mark.name} has malformed attributes`;
      for (const [name, value] of Object.entries(attrs as Record<string, unknown>)) {
        if (!mark.spec.attrs || !(name in mark.spec.attrs)) return `unknown attribute ${name.slice(0, 40)} of mark ${mark.name}`;
        if (!isPlainValue(value)) return `attribute ${name} of mark ${mark.name} is not a plain value`;
      }
    }
  }
  return null;
}

/** Checks the children of a fragment or element; new children are checked with their whole content. */
function childrenProblem(parent: Y.XmlFragment | Y.XmlElement, depth: number, transaction: Y.Transaction, schema: Schema, all: boolean): string | null {
  const topLevel = !(parent instanceof Y.XmlElement);
  for (const child of childrenToCheck(parent, transaction, all)) {
    if (child instanceof Y.XmlElement) {
      if (all || isNew(child, transaction)) {
        const problem = subtreeProblem(child, depth + 1, transaction, schema);
        if (problem) return problem;
      }
    } else if (child instanceof Y.XmlText && !topLevel) {
      if (all || isNew(child, transaction)) {
        const problem = textProblem(child, schema);
        if (problem) return problem;
      }
    } else {
      return topLevel ? 'the notes may only hold elements at the top level' : 'an element holds something other than elements and text';
    }
  }
  return null;
}

/**
 * The children of a fragment or element to look at: all of them, or (for a change) those added in
 * this transaction; children already there are checked where they themselves changed. Foreign
 * content stored before these checks existed (by an older version or a bug; the renderers skip it)
 * is left alone, so it does not lock everyone out of editing the rest of the notes.
 */
function childrenToCheck(parent: Y.XmlFragment | Y.XmlElement, transaction: Y.Transaction, all: boolean): unknown[] {
  if (all) return parent.toArray();
  const children: unknown[] = [];
  for (let item = parent._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    if (item.id.clock < (transaction.beforeState.get(item.id.client) ?? 0)) continue;
    children.push(...(item.content.getContent() as unknown[]));
  }
  return children;
}

function subtreeProblem(element: Y.XmlElement, depth: number, transaction: Y.Transaction, schema: Schema): string | null {
  if (depth > NOTES_MAX_DEPTH) return `nested deeper than ${NOTES_MAX_DEPTH} levels`;
  return elementProblem(element, schema) ?? childrenProblem(element, depth, transaction, schema, true);
}

/**
 * Checks what a transaction changed in a notes fragment: every changed element, text and the
 * fragment itself, and the whole content of what was created in it.
 */
export function notesProblem(transaction: Y.Transaction, fragment: Y.XmlFragment): string | null {
  const schema = notesSchema();
  for (const type of transaction.changed.keys()) {
    if (type._item?.deleted) continue;
    // A root type may still be the generic instance Yjs made before anyone asked for the fragment;
    // only the `default` root can change in a notes document (see documentRoots), so any root is it.
    if (type._item === null) {
      const problem = childrenProblem(fragment, 0, transaction, schema, false);
      if (problem) return problem;
    } else if (type instanceof Y.XmlElement) {
      const depth = depthOf(type);
      if (depth > NOTES_MAX_DEPTH) return `nested deeper than ${NOTES_MAX_DEPTH} levels`;
      const problem = elementProblem(type, schema) ?? childrenProblem(type, depth, transaction, schema, false);
      if (problem) return problem;
    } else if (type instanceof Y.XmlText) {
      const problem = textProblem(type, schema);
      if (problem) return problem;
    } else {
      return 'content outside the notes structure';
    }
  }
  return null;
}

/** Every problem of a whole notes fragment (for tests and checks of stored data). */
export function notesFragmentProblem(fragment: Y.XmlFragment): string | null {
  const schema = notesSchema();
  // A transaction-free check: every child counts as new.
  const everything = { beforeState: new Map<number, number>() } as unknown as Y.Transaction;
  return childrenProblem(fragment, 0, everything, schema, true);
}

// ---- boards ----

/** The id of the item a changed type belongs to (the key in the items map), or null for the settings and roots. */
function itemIdOf(type: AnyType, items: Y.Map<unknown>): string | null {
  let current: AnyType = type;
  while (current._item) {
    const parent = current._item.parent as AnyType;
    if (parent._map === items._map) return current._item.parentSub;
    current = parent;
  }
  return null;
}

/** Fields of a locked item that the model itself changes for participants (cluster layout, drawing order). */
const LAYOUT_FIELDS = new Set(['x', 'y', 'w', 'h', 'order', 'clusterId']);

function fieldsOf(value: unknown): Map<string, unknown> {
  return value instanceof Y.Map ? new Map((value as Y.Map<unknown>).entries()) : new Map();
}

/**
 * Whether a participant's change of a locked item stays within what the model does by itself: a
 * locked card inside a cluster is laid out (moved) with it, a locked cluster grows when cards are
 * put into it, any item may be brought to the front. Everything else (text, colour, unlocking,
 * moving it on its own, deleting it) is refused.
 */
function lockedChangeProblem(before: Map<string, unknown>, after: Map<string, unknown> | null): string | null {
  if (!after) return 'a locked item may not be deleted';
  const keys = new Set([...before.keys(), ...after.keys()]);
  for (const key of keys) {
    const was = before.get(key);
    const now = after.get(key);
    if (Object.is(was, now)) continue;
    if (!LAYOUT_FIELDS.has(key)) return `a locked item may not change its ${key}`;
    const kind = before.get('kind');
    if (kind === 'card' && (key === 'x' || key === 'y') && before.get('clusterId') == null && after.get('clusterId') == null) {
      return 'a locked card may not be moved';
    }
    if (kind === 'card' && (key === 'w' || key === 'h')) return 'a locked card may not be resized';
    if (kind === 'cluster' && (key === 'x' || key === 'y')) return 'a locked cluster may not be moved';
    if (kind === 'cluster' && (key === 'w' || key === 'h') && !(typeof was === 'number' && typeof now === 'number' && now >= was)) {
      return 'a locked cluster may only grow';
    }
    if (key === 'clusterId') return 'a locked card may not change its cluster';
  }
  return null;
}

function boardProblem(check: WriteCheck, roomBoard: boolean): string | null {
  const { transaction, before, after, policy } = check;
  const items = after.getMap<unknown>(ITEMS_KEY);
  const settings = after.getMap<unknown>(SETTINGS_KEY);
  const changedIds = new Set<string>();
  let settingsChanged = false;
  for (const [type, keys] of transaction.changed) {
    // Roots are recognised by their content map: the instance in `transaction.changed` may be the
    // generic one Yjs created before `getMap` was called (getMap keeps its map).
    if (type._map === items._map) {
      for (const key of keys) if (key !== null) changedIds.add(key);
    } else if (type._map === settings._map) {
      settingsChanged = true;
    } else {
      const id = itemIdOf(type, items);
      if (id !== null) changedIds.add(id);
      else if (!type._item?.deleted) return 'content outside the board structure';
    }
  }
  if (settingsChanged) {
    const problem = settingsProblem(settings);
    if (problem) return problem;
  }
  for (const id of changedIds) {
    const value = items.get(id);
    if (value === undefined) continue;
    const problem = itemProblem(id, value);
    if (problem) return `item ${id.slice(0, 40)}: ${problem}`;
  }
  // The rules of the room: only for participants on a room's board (drafts belong to their writer).
  if (!roomBoard || !policy || policy.facilitator) return null;
  if (settingsChanged) return 'only the moderation changes the board settings';
  if (changedIds.size === 0) return null;
  if (before.getMap<unknown>(SETTINGS_KEY).get('locked') === true) return 'the board is locked';
  const itemsBefore = before.getMap<unknown>(ITEMS_KEY);
  for (const id of changedIds) {
    const was = itemsBefore.get(id);
    const now = items.get(id);
    const wasFields = fieldsOf(was);
    const nowFields = now === undefined ? null : fieldsOf(now);
    if (wasFields.get('locked') === true) {
      const problem = lockedChangeProblem(wasFields, nowFields);
      if (problem) return problem;
    } else if (nowFields?.get('locked') === true) {
      return 'only the moderation locks items';
    }
    if (was === undefined && nowFields?.get('kind') === 'card' && policy.privateWriting) {
      return 'private writing is on: new cards go into the drafts';
    }
  }
  return null;
}
