import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardItemChoice } from '@werkraum/shared/protocol';
import { request } from '../../realtime/socket.js';
import { workshopSession } from '../../realtime/session.js';
import { useAgendaAction } from '../agenda/useAgenda.js';
import { TextAreaField } from '../../ui/Field.js';
import { FormError } from '../../ui/FormError.js';

/**
 * Facilitators: turn a passage of a room's notes, a card or a whole cluster of its board into a
 * finding in one action, or put the room's notes or board on everyone's screen.
 */
export function CollectTools({ roundId, roomId, roomLabel }: { roundId: string; roomId: string; roomLabel: string }) {
  const { t } = useTranslation();
  const { send, error } = useAgendaAction();
  const [passage, setPassage] = useState('');
  const [items, setItems] = useState<BoardItemChoice[]>([]);
  const [itemId, setItemId] = useState('');
  const [done, setDone] = useState<string | null>(null);

  /** A passage selected in the room's notes becomes a finding. */
  async function addSelection() {
    const selection = document.getSelection();
    const anchor = selection?.anchorNode;
    const element = anchor instanceof Element ? anchor : anchor?.parentElement;
    const text = selection?.toString().trim() ?? '';
    if (!text || !element?.closest('.ProseMirror, .notes-content')) {
      setDone(t('findings.noSelection'));
      return;
    }
    if (await send('findings:fromNotes', { roundId, roomId, excerpt: text.slice(0, 2000) })) setDone(t('findings.added'));
  }

  async function loadItems() {
    try {
      const { items: loaded } = await request(workshopSession.socket(), 'findings:boardItems', { roundId, roomId });
      setItems(loaded);
      setItemId((current) => (loaded.some((item) => item.id === current) ? current : (loaded[0]?.id ?? '')));
    } catch {
      setItems([]);
    }
  }

  useEffect(() => {
    void loadItems();
    // Reload when the room changes; the button reloads on demand.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [roundId, roomId]);

  return (
    <section className="collect-tools" aria-label={t('findings.collectFrom', { room: roomLabel })} data-testid="collect-tools">
      <h3>{t('findings.collectFrom', { room: roomLabel })}</h3>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (await send('findings:fromNotes', { roundId, roomId, excerpt: passage })) {
            setPassage('');
            setDone(t('findings.added'));
          }
        }}
      >
        <TextAreaField
          label={t('findings.notesPassage')}
          hint={t('findings.notesPassageHint')}
          value={passage}
          maxLength={2000}
          rows={3}
          onChange={(event) => setPassage(event.target.value)}
        />
        <div className="button-row">
          <button type="submit" disabled={!passage.trim()}>
            {t('findings.addFromNotes')}
          </button>
          {/* Keeps the selection in the notes while pressed, then takes it in one action. */}
          <button type="button" onMouseDown={(event) => event.preventDefault()} onClick={() => void addSelection()}>
            {t('findings.addSelection')}
          </button>
        </div>
      </form>
      <form
        className="collect-board"
        onSubmit={async (event) => {
          event.preventDefault();
          if (itemId && (await send('findings:fromBoard', { roundId, roomId, itemId }))) setDone(t('findings.added'));
        }}
      >
        <div className="field">
          <label htmlFor={`board-item-${roomId}`}>{t('findings.boardItem')}</label>
          <select id={`board-item-${roomId}`} value={itemId} onChange={(event) => setItemId(event.target.value)}>
            {items.length === 0 ? <option value="">{t('findings.noBoardItems')}</option> : null}
            {items.map((item) => (
              <option key={item.id} value={item.id}>
                {item.kind === 'cluster' ? t('findings.clusterOption', { title: item.text, count: item.cards }) : t('findings.cardOption', { text: item.text })}
              </option>
            ))}
          </select>
        </div>
        <div className="button-row">
          <button type="submit" disabled={!itemId}>
            {t('findings.addFromBoard')}
          </button>
          <button type="button" onClick={() => void loadItems()}>
            {t('findings.reloadBoard')}
          </button>
        </div>
      </form>
      <div className="button-row">
        <button type="button" onClick={() => void send('stage:show', { kind: 'notes', roundId, roomId })}>
          {t('stage.showNotes')}
        </button>
        <button type="button" onClick={() => void send('stage:show', { kind: 'board', roundId, roomId })}>
          {t('stage.showBoard')}
        </button>
      </div>
      <p role="status" className="muted">
        {done ?? ''}
      </p>
      <FormError message={error} />
    </section>
  );
}
