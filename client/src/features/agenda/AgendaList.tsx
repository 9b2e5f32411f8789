import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScheduleRow } from '@werkraum/shared/agendaClock';
import type { AgendaBlockView } from '@werkraum/shared/protocol';
import { formatTimeOfDay } from '../../app/format.js';
import { useServerNow } from '../../realtime/clock.js';
import { useAppStore } from '../../store/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { RoundSetup } from '../breakouts/RoundDialog.js';
import { BlockDialog, type BlockFields } from './BlockDialog.js';
import { useAgendaAction, useIsFacilitator, useSchedule } from './useAgenda.js';
import { FormError } from '../../ui/FormError.js';

const NEW_BLOCK: BlockFields = { title: '', type: 'other', plannedMinutes: 10, description: '', moderationNotes: '' };

/** The agenda's blocks with planned, expected and actual times; the moderation edits and reorders them here. */
export function AgendaList() {
  const { t } = useTranslation();
  const agenda = useAppStore((state) => state.agenda);
  const facilitator = useIsFacilitator();
  const now = useServerNow();
  const schedule = useSchedule(now);
  const { send, error, clearError } = useAgendaAction();
  const [adding, setAdding] = useState(false);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  if (!agenda) return null;

  const blocks = agenda.blocks;
  const titleOf = (id: string | number) => blocks.find((block) => block.id === id)?.title ?? '';
  const positionOf = (id: string | number | undefined) => blocks.findIndex((block) => block.id === id) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('agenda.announce.pickedUp', { title: titleOf(active.id) }),
    onDragOver: ({ active, over }) => t('agenda.announce.movedOver', { title: titleOf(active.id), position: positionOf(over?.id) }),
    onDragEnd: ({ active, over }) => t('agenda.announce.dropped', { title: titleOf(active.id), position: positionOf(over?.id) }),
    onDragCancel: () => t('agenda.announce.cancelled'),
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    void send('agenda:moveBlock', { blockId: String(active.id), toIndex: positionOf(over.id) - 1 });
  };

  const runningIndex = agenda.run.status === 'running' ? (schedule?.rows.findIndex((row) => row.status === 'running') ?? -1) : -1;
  const list = (
    <ol className="agenda-list">
      {blocks.map((block, index) => (
        <AgendaItem
          key={block.id}
          block={block}
          index={index}
          count={blocks.length}
          row={schedule?.rows[index]}
          editable={facilitator}
          // While the agenda runs, only the running and the next block show their details.
          compact={runningIndex >= 0 && index !== runningIndex && index !== runningIndex + 1}
        />
      ))}
    </ol>
  );

  return (
    <div>
      {blocks.length === 0 ? <p>{t('agenda.empty')}</p> : null}
      {facilitator ? (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragEnd={onDragEnd}
          accessibility={{ announcements, screenReaderInstructions: { draggable: t('agenda.announce.instructions') } }}
        >
          <SortableContext items={blocks.map((block) => block.id)} strategy={verticalListSortingStrategy}>
            {list}
          </SortableContext>
        </DndContext>
      ) : (
        list
      )}
      {facilitator ? (
        <>
          <button type="button" onClick={() => setAdding(true)}>
            {t('agenda.addBlock')}
          </button>
          <FormError message={adding ? null : error} />
          <BlockDialog
            open={adding}
            title={t('agenda.newBlockTitle')}
            initial={NEW_BLOCK}
            error={error}
            onClose={() => {
              setAdding(false);
              clearError();
            }}
            onSave={(fields) =>
              void send('agenda:addBlock', { afterBlockId: blocks.at(-1)?.id ?? null, block: fields }).then((ok) => ok && setAdding(false))
            }
          />
        </>
      ) : null}
    </div>
  );
}

function AgendaItem({
  block,
  index,
  count,
  row,
  editable,
  compact = false,
}: {
  block: AgendaBlockView;
  index: number;
  count: number;
  row: ScheduleRow | undefined;
  editable: boolean;
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const notes = useAppStore((state) => state.moderationNotes[block.id] ?? '');
  const { send, error, clearError } = useAgendaAction();
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  // The delete button sits in the closed "More" menu once its dialog is gone: the focus goes to the menu's button.
  const moreToggle = useRef<HTMLButtonElement>(null);
  const previousDialog = useRef(dialog);
  useEffect(() => {
    if (previousDialog.current === 'delete' && dialog === null) moreToggle.current?.focus();
    previousDialog.current = dialog;
  }, [dialog]);
  const sortable = useSortable({ id: block.id, disabled: !editable });
  const time = (ms: number) => formatTimeOfDay(ms, i18n.language);
  const status = row?.status ?? 'upcoming';
  const shifted = row && (row.projectedStart !== row.plannedStart || row.projectedEnd !== row.plannedEnd);
  const close = () => {
    setDialog(null);
    clearError();
  };

  return (
    <li
      ref={sortable.setNodeRef}
      style={{ transform: CSS.Transform.toString(sortable.transform), transition: sortable.transition }}
      className={`agenda-item agenda-${status} ${compact ? 'agenda-compact' : ''}`}
      data-block-id={block.id}
      data-status={status}
    >
      <div className="agenda-item-main">
        {editable ? (
          <button
            type="button"
            className="drag-handle icon-button"
            {...sortable.attributes}
            {...sortable.listeners}
            aria-label={t('agenda.dragHandle', { title: block.title })}
          >
            <span aria-hidden="true">⠿</span>
          </button>
        ) : null}
        <div className="agenda-item-text">
          <p className="agenda-item-times">
            {row ? <span className="planned-times">{t('agenda.times', { start: time(row.plannedStart), end: time(row.plannedEnd) })}</span> : null}
            {row && status === 'done' && row.actualStart !== null && row.actualEnd !== null ? (
              <span className="muted"> ({t('agenda.times', { start: time(row.actualStart), end: time(row.actualEnd) })})</span>
            ) : row && shifted && status !== 'skipped' ? (
              <span className="muted"> ({t('agenda.projected', { start: time(row.projectedStart), end: time(row.projectedEnd) })})</span>
            ) : null}
            {' · '}
            {t('agenda.minutes', { count: block.plannedMinutes })} · {t(`agenda.types.${block.type}`)}
            {status !== 'upcoming' ? <span className={`status-badge status-${status}`}>{t(`agenda.status.${status}`)}</span> : null}
          </p>
          <p className="agenda-item-title">{block.title}</p>
          {block.description ? <p className="agenda-item-description">{block.description}</p> : null}
          {editable && block.type === 'breakout' ? <RoundSetup block={block} /> : null}
          {editable && notes ? (
            <p className="agenda-item-notes">
              <span className="visually-hidden">{t('agenda.moderationNotes')}: </span>
              {notes}
            </p>
          ) : null}
        </div>
      </div>
      {editable ? (
        <div className="agenda-item-actions" role="group" aria-label={t('agenda.blockActions', { title: block.title })}>
          {status !== 'running' ? (
            <button type="button" onClick={() => void send('agenda:control', { action: 'jump', blockId: block.id })}>
              {t('agenda.jump')}
            </button>
          ) : null}
          <button type="button" onClick={() => setDialog('edit')}>
            {t('agenda.edit')}
          </button>
          <MoreActions title={block.title} toggle={moreToggle}>
            <button type="button" onClick={() => void send('agenda:duplicateBlock', { blockId: block.id })}>
              {t('agenda.duplicate')}
            </button>
            <button type="button" disabled={index === 0} onClick={() => void send('agenda:moveBlock', { blockId: block.id, toIndex: index - 1 })}>
              {t('agenda.moveUp')}
            </button>
            <button type="button" disabled={index === count - 1} onClick={() => void send('agenda:moveBlock', { blockId: block.id, toIndex: index + 1 })}>
              {t('agenda.moveDown')}
            </button>
            {status === 'upcoming' || status === 'skipped' ? (
              <button type="button" className="danger" onClick={() => setDialog('delete')}>
                {t('agenda.delete')}
              </button>
            ) : null}
          </MoreActions>
        </div>
      ) : null}
      <FormError message={dialog ? null : error} />
      {editable ? (
        <>
          <BlockDialog
            open={dialog === 'edit'}
            title={t('agenda.editTitle', { title: block.title })}
            initial={{ ...block, moderationNotes: notes }}
            error={error}
            onClose={close}
            onSave={(fields) => void send('agenda:updateBlock', { blockId: block.id, patch: fields }).then((ok) => ok && setDialog(null))}
          />
          <Dialog open={dialog === 'delete'} title={t('agenda.deleteTitle', { title: block.title })} onClose={close}>
            <FormError message={error} />
            <div className="button-row">
              <button type="button" className="danger" onClick={() => void send('agenda:deleteBlock', { blockId: block.id }).then((ok) => ok && setDialog(null))}>
                {t('agenda.delete')}
              </button>
              <button type="button" onClick={close} autoFocus>
                {t('agenda.cancel')}
              </button>
            </div>
          </Dialog>
        </>
      ) : null}
    </li>
  );
}

/**
 * The rarer actions of a block behind one "More" button (a disclosure): the list opens below it,
 * Escape closes it and gives the focus back to the button.
 */
function MoreActions({ title, toggle, children }: { title: string; toggle: RefObject<HTMLButtonElement | null>; children: ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const listId = useId();
  return (
    <div
      className="agenda-more"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          setOpen(false);
          toggle.current?.focus();
        }
      }}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        aria-label={t('layout.moreActions', { title })}
        onClick={() => setOpen((value) => !value)}
      >
        {t('layout.more')} <span aria-hidden="true">▾</span>
      </button>
      <div id={listId} className="agenda-more-list" hidden={!open}>
        {children}
      </div>
    </div>
  );
}
