import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Finding } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction } from '../agenda/useAgenda.js';
import { CheckboxField, TextAreaField, TextField } from '../../ui/Field.js';
import { FormError } from '../../ui/FormError.js';
import { roomName } from './useFindings.js';

/** Drag data type of a finding being reordered. */
const DRAG_TYPE = 'application/x-werkraum-finding';

/**
 * One finding with its room and sources. Facilitators edit wording, heading and priority, move it
 * (buttons for the keyboard, drag and drop for the mouse), select it for merging and delete it.
 */
export function FindingItem({
  finding,
  facilitator,
  previousId,
  nextId,
  selected,
  onSelect,
}: {
  finding: Finding;
  facilitator: boolean;
  /** The finding above it in the list shown (null: it is first). */
  previousId: string | null;
  /** The finding below it in the list shown (null: it is last). */
  nextId: string | null;
  selected: boolean;
  onSelect: (selected: boolean) => void;
}) {
  const { t } = useTranslation();
  const rounds = useAppStore((state) => state.rounds);
  const findings = useAppStore((state) => state.findings);
  const { send, error } = useAgendaAction();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(finding.text);
  const [heading, setHeading] = useState(finding.heading);
  const [priority, setPriority] = useState(finding.priority);
  const room = roomName(rounds, finding.roundId, finding.roomId);

  function startEditing() {
    setText(finding.text);
    setHeading(finding.heading);
    setPriority(finding.priority);
    setEditing(true);
  }

  async function save() {
    // Only the fields that changed go to the server, so a colleague's edit of another field stays.
    const patch = {
      findingId: finding.id,
      ...(text.trim() !== finding.text ? { text: text.trim() } : {}),
      ...(heading.trim() !== finding.heading ? { heading: heading.trim() } : {}),
      ...(priority !== finding.priority ? { priority } : {}),
    };
    if (Object.keys(patch).length === 1 || (await send('findings:update', patch))) setEditing(false);
  }

  /** Down: in front of the finding after the next one in the whole list (or to the end). */
  function moveDown() {
    if (!nextId) return;
    const index = findings.findIndex((candidate) => candidate.id === nextId);
    void send('findings:move', { findingId: finding.id, beforeId: findings[index + 1]?.id ?? null });
  }

  const onDrop = (event: DragEvent<HTMLLIElement>) => {
    const dragged = event.dataTransfer.getData(DRAG_TYPE);
    if (!dragged || dragged === finding.id) return;
    event.preventDefault();
    void send('findings:move', { findingId: dragged, beforeId: finding.id });
  };

  return (
    <li
      className={`finding${finding.priority ? ' finding-priority' : ''}`}
      data-finding-id={finding.id}
      data-testid="finding"
      draggable={facilitator && !editing}
      onDragStart={(event) => event.dataTransfer.setData(DRAG_TYPE, finding.id)}
      onDragOver={(event) => {
        if (facilitator && event.dataTransfer.types.includes(DRAG_TYPE)) event.preventDefault();
      }}
      onDrop={facilitator ? onDrop : undefined}
    >
      {editing ? (
        <form
          className="finding-edit"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <TextAreaField label={t('findings.text')} value={text} maxLength={500} rows={3} required onChange={(event) => setText(event.target.value)} />
          <TextField label={t('findings.heading_field')} value={heading} maxLength={120} onChange={(event) => setHeading(event.target.value)} />
          <CheckboxField label={t('findings.priority')} checked={priority} onChange={(event) => setPriority(event.target.checked)} />
          <div className="button-row">
            <button type="submit" className="primary">
              {t('findings.save')}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t('findings.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          {finding.priority ? <strong className="finding-badge">{t('findings.priority')}</strong> : null}
          <p className="finding-text">{finding.text}</p>
          <p className="muted finding-meta">
            {room ? t('findings.fromRoom', { room }) : t('findings.wholeWorkshop')}
            {' · '}
            {t('findings.agreements', { count: finding.agreements })}
          </p>
          <details className="finding-sources">
            <summary>{t('findings.sources', { count: finding.sources.length })}</summary>
            <ul className="plain-list">
              {finding.sources.map((source, index) => (
                <li key={index}>
                  <span className="finding-source-kind">{t(`findings.sourceKinds.${source.kind}`)}</span>
                  {roomName(rounds, source.roundId, source.roomId) ? ` (${roomName(rounds, source.roundId, source.roomId)})` : ''}: {source.excerpt}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
      {facilitator && !editing ? (
        <div className="button-row finding-actions">
          <CheckboxField label={t('findings.select')} checked={selected} onChange={(event) => onSelect(event.target.checked)} />
          <button type="button" onClick={startEditing} aria-label={t('findings.editNamed', { text: finding.text })}>
            {t('findings.edit')}
          </button>
          <button
            type="button"
            disabled={!previousId}
            aria-label={t('findings.moveUpNamed', { text: finding.text })}
            onClick={() => previousId && void send('findings:move', { findingId: finding.id, beforeId: previousId })}
          >
            <span aria-hidden="true">↑</span> {t('findings.moveUp')}
          </button>
          <button type="button" disabled={!nextId} aria-label={t('findings.moveDownNamed', { text: finding.text })} onClick={moveDown}>
            <span aria-hidden="true">↓</span> {t('findings.moveDown')}
          </button>
          <button type="button" className="danger" aria-label={t('findings.deleteNamed', { text: finding.text })} onClick={() => void send('findings:delete', { findingId: finding.id })}>
            {t('findings.delete')}
          </button>
        </div>
      ) : null}
      <FormError message={error} />
    </li>
  );
}
