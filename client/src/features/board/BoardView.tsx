import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as Y from 'yjs';
import {
  BOARD_LAYOUT,
  CARD_COLORS,
  addCard,
  addCluster,
  addLabel,
  addStroke,
  appendStrokePoints,
  boardBounds,
  boardScene,
  clusterAt,
  deleteItems,
  moveItems,
  readBoard,
  setCardsCluster,
  setSetting,
  updateItem,
  type BoardBounds,
  type BoardSnapshot,
  type CardColor,
} from '@werkraum/shared/board';
import type { BoardState } from '@werkraum/shared/protocol';
import type { CollabHandle } from '../../realtime/collab.js';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useErrorText } from '../../ui/errors.js';
import { FormError } from '../../ui/FormError.js';
import { docSnapshotStore } from './docSnapshot.js';
import { toReact } from './toReact.js';
import { useHyphenate } from './useHyphenate.js';

/** The board document as a snapshot that changes only when the document does (for React). */
function useBoard(doc: Y.Doc): BoardSnapshot {
  const store = useMemo(() => docSnapshotStore(doc, readBoard), [doc]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Where an event happened in board coordinates. */
function boardPoint(svg: SVGSVGElement, event: { clientX: number; clientY: number }): { x: number; y: number } {
  const matrix = svg.getScreenCTM();
  if (!matrix) return { x: event.clientX, y: event.clientY };
  const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
  return { x: point.x, y: point.y };
}

type Drag =
  | { kind: 'move'; ids: string[]; last: { x: number; y: number }; moved: boolean }
  | { kind: 'pan'; start: { x: number; y: number }; view: BoardBounds }
  | { kind: 'draw'; strokeId: string };

/**
 * A room's Metaplan board: cards, clusters, freehand and labels on a pannable, zoomable SVG, with
 * a list of the same content that works with the keyboard and screen readers. Dots and private
 * writing are decided by the server.
 */
export default function BoardView({
  handle,
  drafts,
  roomId,
  state,
  facilitator,
  user,
}: {
  handle: CollabHandle;
  drafts: CollabHandle | null;
  roomId: string;
  state: BoardState | undefined;
  facilitator: boolean;
  user: { personId: string; name: string };
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const connection = useSyncExternalStore(handle.subscribe, handle.state);
  const snapshot = useBoard(handle.doc);
  const draftDoc = useMemo(() => drafts?.doc ?? new Y.Doc(), [drafts]);
  const draftSnapshot = useBoard(draftDoc);
  const editable = connection.mode === 'edit' && !(snapshot.settings.locked && !facilitator);
  const origin = useMemo(() => ({ personId: user.personId }), [user.personId]);
  const undo = useMemo(() => new Y.UndoManager([handle.doc.getMap('items'), handle.doc.getMap('settings')], { trackedOrigins: new Set([origin]) }), [handle, origin]);
  const [selection, setSelection] = useState<string[]>([]);
  const [view, setView] = useState<BoardBounds | null>(null);
  const [pen, setPen] = useState(false);
  const [text, setText] = useState('');
  const [color, setColor] = useState<CardColor>('yellow');
  // Full width: the board takes the stage's whole width and the side panel steps aside.
  const [wide, setWide] = useState(false);
  const [clusterTitle, setClusterTitle] = useState('');
  const [labelText, setLabelText] = useState('');
  const [dots, setDots] = useState('3');
  const [error, setError] = useState<string | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  // Where a card is being written on the canvas (board coordinates), null while nobody writes.
  const [writing, setWriting] = useState<{ x: number; y: number } | null>(null);
  const [canvasText, setCanvasText] = useState('');
  const discardWriting = useRef(false);
  const canvasDetails = useRef<HTMLDetailsElement>(null);
  // Phones start with the list (readable, every action there); the picture opens on request.
  const [narrow] = useState(() => window.matchMedia?.('(max-width: 40rem)').matches ?? false);
  const drag = useRef<Drag | null>(null);

  useEffect(() => () => undo.destroy(), [undo]);

  // Words of up to 11 characters fit a card's line; longer ones may need a break.
  const hyphenate = useHyphenate(snapshot.cards.some((card) => /[^\s]{12,}/u.test(card.text)));
  const fit = boardBounds(snapshot);
  const viewBox = view ?? { minX: Math.min(fit.minX, 0), minY: Math.min(fit.minY, 0), maxX: Math.max(fit.maxX, 1200), maxY: Math.max(fit.maxY, 700) };
  const voting = state?.voting;
  const counts = voting?.counts ?? {};
  const privateWriting = Boolean(state?.privateWriting) && !facilitator;

  const scene = boardScene(snapshot, {
    votes: counts,
    showVotes: voting?.counts !== null && voting?.counts !== undefined,
    showAuthors: snapshot.settings.showAuthors,
    selection,
    viewBox,
    title: t('board.canvas'),
    background: null,
    ...(hyphenate ? { hyphenate } : {}),
  });

  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  const socket = () => workshopSession.socket();

  /** New items go into a free column to the right of the clusters, one under the other. */
  const newCardPosition = () => {
    const right = Math.max(0, ...snapshot.clusters.map((cluster) => cluster.x + cluster.w));
    const loose = snapshot.cards.filter((card) => !card.clusterId).length;
    return { x: right + 40, y: 40 + (loose % 5) * (BOARD_LAYOUT.cardHeight + 16) };
  };
  const addNewCard = () => {
    const value = text.trim();
    if (!value) return;
    const target = privateWriting ? draftDoc : handle.doc;
    addCard(target, { text: value, color, ...newCardPosition(), authorId: user.personId, authorName: user.name }, origin);
    setText('');
  };
  /** Opens the editor on the canvas at a board point (the next free place without one). */
  const startWriting = (point?: { x: number; y: number }) => {
    setCanvasText('');
    if (canvasDetails.current) canvasDetails.current.open = true;
    setWriting(point ?? newCardPosition());
  };
  /** Adds the written card where it was written and opens the next one below it. */
  const finishWriting = () => {
    const value = canvasText.trim();
    if (!writing || !value) return;
    const target = privateWriting ? draftDoc : handle.doc;
    addCard(target, { text: value, color, x: writing.x, y: writing.y, authorId: user.personId, authorName: user.name }, origin);
    setCanvasText('');
    setWriting({ x: writing.x, y: writing.y + BOARD_LAYOUT.cardHeight + 16 });
  };
  /** The editor's place on screen, relative to the canvas's frame. */
  const editorPosition = (() => {
    const svg = svgRef.current;
    const stage = stageRef.current;
    const matrix = svg?.getScreenCTM();
    if (!writing || !svg || !stage || !matrix) return { left: 8, top: 8 };
    const screen = new DOMPoint(writing.x, writing.y).matrixTransform(matrix);
    const frame = stage.getBoundingClientRect();
    const left = Math.min(Math.max(0, screen.x - frame.left), Math.max(0, frame.width - 240));
    const top = Math.min(Math.max(0, screen.y - frame.top), Math.max(0, frame.height - 96));
    return { left, top };
  })();
  const onDoubleClick = (event: ReactMouseEvent<SVGSVGElement>) => {
    const svg = svgRef.current;
    if (!svg || !editable || pen || (event.target as Element).closest('[data-item-id]')) return;
    startWriting(boardPoint(svg, event));
  };

  const addNewLabel = () => {
    const value = labelText.trim();
    if (!value) return;
    addLabel(handle.doc, { text: value, ...newCardPosition() }, origin);
    setLabelText('');
  };
  const addNewCluster = () => {
    const value = clusterTitle.trim();
    if (!value) return;
    addCluster(handle.doc, { title: value, ...newCardPosition() }, origin);
    setClusterTitle('');
  };

  const onPointerDown = (event: ReactPointerEvent<SVGSVGElement>) => {
    const svg = svgRef.current;
    if (!svg || !editable) return;
    const point = boardPoint(svg, event);
    const target = (event.target as Element).closest('[data-item-id]');
    svg.setPointerCapture(event.pointerId);
    if (pen) {
      const strokeId = addStroke(handle.doc, { points: [point.x, point.y, event.pressure || 0.5], authorId: user.personId }, origin);
      drag.current = { kind: 'draw', strokeId };
    } else if (target) {
      const id = target.getAttribute('data-item-id')!;
      const ids = event.shiftKey ? [...new Set([...selection, id])] : selection.includes(id) ? selection : [id];
      setSelection(ids);
      drag.current = { kind: 'move', ids, last: point, moved: false };
    } else {
      setSelection([]);
      drag.current = { kind: 'pan', start: { x: event.clientX, y: event.clientY }, view: viewBox };
    }
  };
  const onPointerMove = (event: ReactPointerEvent<SVGSVGElement>) => {
    const svg = svgRef.current;
    const current = drag.current;
    if (!svg || !current) return;
    if (current.kind === 'draw') {
      const point = boardPoint(svg, event);
      appendStrokePoints(handle.doc, current.strokeId, [point.x, point.y, event.pressure || 0.5], origin);
    } else if (current.kind === 'move') {
      const point = boardPoint(svg, event);
      moveItems(handle.doc, current.ids, point.x - current.last.x, point.y - current.last.y, origin);
      current.last = point;
      current.moved = true;
    } else {
      const scale = (current.view.maxX - current.view.minX) / svg.clientWidth;
      const dx = (event.clientX - current.start.x) * scale;
      const dy = (event.clientY - current.start.y) * scale;
      setView({ minX: current.view.minX - dx, maxX: current.view.maxX - dx, minY: current.view.minY - dy, maxY: current.view.maxY - dy });
    }
  };
  const onPointerUp = (event: ReactPointerEvent<SVGSVGElement>) => {
    const svg = svgRef.current;
    const current = drag.current;
    drag.current = null;
    if (!svg || !current || current.kind !== 'move' || !current.moved) return;
    // Dropping cards onto a cluster puts them in it; dropping them elsewhere takes them out.
    const point = boardPoint(svg, event);
    const fresh = readBoard(handle.doc);
    const cards = current.ids.filter((id) => fresh.cards.some((card) => card.id === id));
    if (cards.length === 0) return;
    const cluster = clusterAt(fresh, point.x, point.y);
    setCardsCluster(handle.doc, cards, cluster?.id ?? null, origin);
  };
  const zoom = (factor: number) => {
    const cx = (viewBox.minX + viewBox.maxX) / 2;
    const cy = (viewBox.minY + viewBox.maxY) / 2;
    const hw = ((viewBox.maxX - viewBox.minX) / 2) * factor;
    const hh = ((viewBox.maxY - viewBox.minY) / 2) * factor;
    setView({ minX: cx - hw, maxX: cx + hw, minY: cy - hh, maxY: cy + hh });
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (!editable || selection.length === 0) return;
    const step = event.shiftKey ? 50 : 10;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      moveItems(handle.doc, selection, move[0], move[1], origin);
    } else if (event.key === 'Delete') {
      deleteItems(handle.doc, selection, origin);
      setSelection([]);
    }
  };

  /** Selects an item from the list and hands the keyboard to the board, where arrow keys move it. */
  const selectForKeyboard = (id: string) => {
    setSelection([id]);
    svgRef.current?.focus();
  };
  const dotCount = Math.min(20, Math.max(1, Math.round(Number(dots)) || 3));
  const myDots = voting?.myVotes ?? [];
  const dotsOn = (id: string) => myDots.filter((itemId) => itemId === id).length;
  const canVote = voting?.status === 'open' && connection.mode === 'edit';
  const voteButtons = (id: string, label: string, kind: 'cards' | 'clusters') =>
    canVote && voting?.target === kind ? (
      <span className="vote-buttons">
        <button
          type="button"
          disabled={myDots.length >= (voting?.dotsPerPerson ?? 0)}
          onClick={() => void act(() => request(socket(), 'board:vote', { roomId, itemId: id }))}
        >
          {t('board.vote', { item: label })}
        </button>
        {dotsOn(id) > 0 ? (
          <button type="button" onClick={() => void act(() => request(socket(), 'board:unvote', { roomId, itemId: id }))}>
            {t('board.unvote', { item: label })}
          </button>
        ) : null}
      </span>
    ) : null;

  const cardRow = (card: BoardSnapshot['cards'][number]) => (
    <li key={card.id} className="board-list-card" data-card-id={card.id}>
      <span className="board-list-text">{card.text || t('board.emptyCard')}</span>
      {snapshot.settings.showAuthors && card.authorName ? <span className="muted"> · {card.authorName}</span> : null}
      {voting?.counts ? <span className="muted"> · {t('board.dots', { count: voting.counts[card.id] ?? 0 })}</span> : null}
      {dotsOn(card.id) > 0 ? <span className="muted"> · {t('board.myDots', { count: dotsOn(card.id) })}</span> : null}
      {/* A locked card stays as it is, except for the moderation. */}
      {editable && (!card.locked || facilitator) ? (
        <>
          <label className="visually-hidden" htmlFor={`cluster-of-${card.id}`}>
            {t('board.clusterFor', { card: card.text })}
          </label>
          <select
            id={`cluster-of-${card.id}`}
            value={card.clusterId ?? ''}
            onChange={(event) => setCardsCluster(handle.doc, [card.id], event.currentTarget.value || null, origin)}
          >
            <option value="">{t('board.noCluster')}</option>
            {snapshot.clusters.map((cluster) => (
              <option key={cluster.id} value={cluster.id}>
                {cluster.title || t('board.untitled')}
              </option>
            ))}
          </select>
          <label className="visually-hidden" htmlFor={`color-of-${card.id}`}>
            {t('board.colorOf', { card: card.text })}
          </label>
          <select
            id={`color-of-${card.id}`}
            value={card.color}
            onChange={(event) => updateItem(handle.doc, card.id, { color: event.currentTarget.value as CardColor }, origin)}
          >
            {CARD_COLORS.map((option) => (
              <option key={option} value={option}>
                {t(`board.colors.${option}`)}
              </option>
            ))}
          </select>
          {facilitator ? (
            <button type="button" aria-pressed={card.locked} onClick={() => updateItem(handle.doc, card.id, { locked: !card.locked }, origin)}>
              {t('board.lockCard', { card: card.text })}
            </button>
          ) : null}
          <button
            type="button"
            onClick={() => {
              const next = window.prompt(t('board.editCard'), card.text);
              if (next !== null) updateItem(handle.doc, card.id, { text: next }, origin);
            }}
          >
            {t('board.edit', { card: card.text })}
          </button>
          <button type="button" onClick={() => deleteItems(handle.doc, [card.id], origin)}>
            {t('board.delete', { card: card.text })}
          </button>
          <button type="button" aria-pressed={selection.includes(card.id)} onClick={() => selectForKeyboard(card.id)}>
            {t('board.select', { item: card.text })}
          </button>
        </>
      ) : null}
      {voteButtons(card.id, card.text, 'cards')}
    </li>
  );

  /** The board as a picture people write and draw on, with the card editor where a card goes. */
  const canvas = (
    <div className="board-stage" ref={stageRef}>
      <svg
        ref={svgRef}
        className={`board-canvas ${pen ? 'board-pen' : ''}`}
        viewBox={`${viewBox.minX} ${viewBox.minY} ${viewBox.maxX - viewBox.minX} ${viewBox.maxY - viewBox.minY}`}
        role="img"
        aria-label={t('board.canvasLabel', { cards: snapshot.cards.length, clusters: snapshot.clusters.length })}
        aria-describedby={`board-keys-${roomId}`}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={onKeyDown}
        onDoubleClick={onDoubleClick}
      >
        {scene.children.map((child, index) => toReact(child, index))}
      </svg>
      {writing ? (
        <textarea
          className={`board-card-editor board-color-${color}`}
          style={editorPosition}
          aria-label={t('layout.canvasEditor')}
          aria-describedby={`board-write-${roomId}`}
          value={canvasText}
          maxLength={300}
          autoFocus
          onChange={(event) => setCanvasText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              finishWriting();
            } else if (event.key === 'Escape') {
              event.preventDefault();
              setWriting(null);
              svgRef.current?.focus();
            }
          }}
          onBlur={() => {
            // Leaving the editor keeps what was written, as a card.
            if (canvasText.trim()) finishWriting();
            setWriting(null);
          }}
        />
      ) : null}
    </div>
  );

  return (
    <div className={`board ${wide ? 'board-wide' : ''}`} data-mode={connection.mode}>
      {editable ? (
        <div className="board-toolbar" role="toolbar" aria-label={t('board.tools')}>
          <button type="button" className="primary" onClick={() => startWriting()}>
            <span aria-hidden="true">+ </span>
            {t('layout.canvasWrite')}
          </button>
          <div className="button-row">
            <button type="button" aria-pressed={pen} onClick={() => setPen((value) => !value)}>
              {t('board.pen')}
            </button>
            <button type="button" onClick={() => undo.undo()}>
              {t('board.undo')}
            </button>
            <button type="button" onClick={() => undo.redo()}>
              {t('board.redo')}
            </button>
            <button type="button" onClick={() => zoom(0.8)}>
              {t('board.zoomIn')}
            </button>
            <button type="button" onClick={() => zoom(1.25)}>
              {t('board.zoomOut')}
            </button>
            <button type="button" onClick={() => setView(fit)}>
              {t('board.fit')}
            </button>
            <button type="button" aria-pressed={wide} onClick={() => setWide((value) => !value)}>
              {t('board.fullWidth')}
            </button>
            <button type="button" onClick={() => void stageRef.current?.requestFullscreen?.().catch(() => undefined)}>
              {t('layout.boardFullScreen')}
            </button>
          </div>
          <div className="button-row board-swatches" role="group" aria-label={t('board.color')}>
            {CARD_COLORS.map((option) => (
              <button
                key={option}
                type="button"
                className={`board-swatch board-color-${option}`}
                aria-pressed={color === option}
                title={t(`board.colors.${option}`)}
                onClick={() => setColor(option)}
              >
                <span className="visually-hidden">{t(`board.colors.${option}`)}</span>
              </button>
            ))}
          </div>
        </div>
      ) : null}

      {facilitator ? (
        <div className="board-moderation button-row" role="group" aria-label={t('board.moderation')}>
          <button type="button" aria-pressed={Boolean(state?.privateWriting)} onClick={() => void act(() => request(socket(), 'board:setPrivateWriting', { roomId, on: !state?.privateWriting }))}>
            {t('board.privateWriting')}
          </button>
          <button type="button" onClick={() => void act(() => request(socket(), 'board:reveal', { roomId }))}>
            {t('board.revealCards')}
          </button>
          {voting?.status === 'open' ? (
            <button type="button" onClick={() => void act(() => request(socket(), 'board:endVoting', { roomId }))}>
              {t('board.endVoting')}
            </button>
          ) : (
            <>
              <label className="dots-input">
                {t('board.dotsPerPerson')}{' '}
                <input type="number" min={1} max={20} value={dots} onChange={(event) => setDots(event.currentTarget.value)} />
              </label>
              <button
                type="button"
                onClick={() => void act(() => request(socket(), 'board:startVoting', { roomId, dotsPerPerson: dotCount, target: 'cards' }))}
              >
                {t('board.startVoting', { count: dotCount })}
              </button>
              <button
                type="button"
                onClick={() => void act(() => request(socket(), 'board:startVoting', { roomId, dotsPerPerson: dotCount, target: 'clusters' }))}
              >
                {t('board.startClusterVoting', { count: dotCount })}
              </button>
            </>
          )}
          {voting && voting.status !== 'none' ? (
            <button type="button" aria-pressed={voting.revealed} onClick={() => void act(() => request(socket(), 'board:revealVotes', { roomId, revealed: !voting.revealed }))}>
              {t('board.showDots')}
            </button>
          ) : null}
          <button type="button" aria-pressed={snapshot.settings.locked} onClick={() => setSetting(handle.doc, 'locked', !snapshot.settings.locked, origin)}>
            {t('board.lock')}
          </button>
          <button type="button" aria-pressed={snapshot.settings.showAuthors} onClick={() => setSetting(handle.doc, 'showAuthors', !snapshot.settings.showAuthors, origin)}>
            {t('board.showAuthors')}
          </button>
        </div>
      ) : null}

      {voting?.status === 'open' ? (
        <p role="status" className="board-voting">
          {t('board.votingOpen', { left: Math.max(0, voting.dotsPerPerson - myDots.length), count: voting.dotsPerPerson })}
        </p>
      ) : null}
      <FormError message={error} />

      {narrow ? (
        <details className="board-canvas-details" ref={canvasDetails}>
          <summary>{t('layout.boardCanvasShow')}</summary>
          {canvas}
        </details>
      ) : (
        canvas
      )}
      <p id={`board-write-${roomId}`} className="hint">
        {t('layout.canvasEditorHint')}
      </p>

      <p id={`board-keys-${roomId}`} className="hint">
        {t('board.keys')}
      </p>
      {editable ? (
        <div className="board-forms">
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              addNewCard();
            }}
          >
            <div className="field">
              <label htmlFor={`card-text-${roomId}`}>{privateWriting ? t('board.newPrivateCard') : t('board.newCard')}</label>
              <input id={`card-text-${roomId}`} value={text} maxLength={300} onChange={(event) => setText(event.currentTarget.value)} />
            </div>
            <div className="field">
              <label htmlFor={`card-color-${roomId}`}>{t('board.color')}</label>
              <select id={`card-color-${roomId}`} value={color} onChange={(event) => setColor(event.currentTarget.value as CardColor)}>
                {CARD_COLORS.map((option) => (
                  <option key={option} value={option}>
                    {t(`board.colors.${option}`)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="primary">
              {t('board.addCard')}
            </button>
          </form>
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              addNewCluster();
            }}
          >
            <div className="field">
              <label htmlFor={`cluster-title-${roomId}`}>{t('board.newCluster')}</label>
              <input id={`cluster-title-${roomId}`} value={clusterTitle} maxLength={120} onChange={(event) => setClusterTitle(event.currentTarget.value)} />
            </div>
            <button type="submit">{t('board.addCluster')}</button>
          </form>
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              addNewLabel();
            }}
          >
            <div className="field">
              <label htmlFor={`label-text-${roomId}`}>{t('board.newLabel')}</label>
              <input id={`label-text-${roomId}`} value={labelText} maxLength={200} onChange={(event) => setLabelText(event.currentTarget.value)} />
            </div>
            <button type="submit">{t('board.addLabel')}</button>
          </form>
        </div>
      ) : null}
      {privateWriting && draftSnapshot.cards.length > 0 ? (
        <section aria-labelledby={`drafts-${roomId}`} className="board-drafts">
          <h3 id={`drafts-${roomId}`}>{t('board.myPrivateCards')}</h3>
          <ul className="plain-list">
            {draftSnapshot.cards.map((card) => (
              <li key={card.id}>{card.text}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby={`board-list-${roomId}`} className="board-list">
        <h3 id={`board-list-${roomId}`}>{t('board.list')}</h3>
        {snapshot.clusters.map((cluster) => (
          <div key={cluster.id} className="board-list-cluster" data-cluster-id={cluster.id}>
            <h4>
              {cluster.title || t('board.untitled')}
              {voting?.counts && voting.target === 'clusters' ? <span className="muted"> · {t('board.dots', { count: voting.counts[cluster.id] ?? 0 })}</span> : null}
            </h4>
            {editable && (!cluster.locked || facilitator) ? (
              <span className="board-cluster-actions">
                <button
                  type="button"
                  onClick={() => {
                    const next = window.prompt(t('board.clusterTitle'), cluster.title);
                    if (next !== null) updateItem(handle.doc, cluster.id, { title: next }, origin);
                  }}
                >
                  {t('board.edit', { card: cluster.title })}
                </button>
                <button type="button" onClick={() => deleteItems(handle.doc, [cluster.id], origin)}>
                  {t('board.delete', { card: cluster.title })}
                </button>
                <button type="button" aria-pressed={selection.includes(cluster.id)} onClick={() => selectForKeyboard(cluster.id)}>
                  {t('board.select', { item: cluster.title })}
                </button>
              </span>
            ) : null}
            {voteButtons(cluster.id, cluster.title, 'clusters')}
            <ul className="plain-list">{snapshot.cards.filter((card) => card.clusterId === cluster.id).map(cardRow)}</ul>
          </div>
        ))}
        <div className="board-list-cluster">
          <h4>{t('board.unclustered')}</h4>
          <ul className="plain-list">{snapshot.cards.filter((card) => !card.clusterId || !snapshot.clusters.some((cluster) => cluster.id === card.clusterId)).map(cardRow)}</ul>
        </div>
      </section>
    </div>
  );
}
