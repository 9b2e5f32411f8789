import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { roomCountForSize } from '@werkraum/shared/breakoutAssignment';
import { LIMITS } from '@werkraum/shared/limits';
import { ASSIGNMENT_MODES, type AssignmentMode } from '@werkraum/shared/choices';
import type { AgendaBlockView, BreakoutRound } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { useAgendaAction } from '../agenda/useAgenda.js';
import { FormError } from '../../ui/FormError.js';

interface RoomDraft {
  id?: string;
  name: string;
  task: string;
  hostId: string | null;
}

/** Prepares (or adjusts, also while it runs) the breakout round of a breakout block. */
export function RoundDialog({ block, round, onClose }: { block: AgendaBlockView; round: BreakoutRound | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const formId = useId();
  const coModerators = useAppStore(
    useShallow((state) => state.peopleOrder.map((id) => state.peopleById[id]!).filter((person) => person.role !== 'participant')),
  );
  const [rooms, setRooms] = useState<RoomDraft[]>(
    round?.rooms.map((room) => ({ id: room.id, name: room.name, task: room.task, hostId: room.hostId })) ??
      [1, 2, 3].map((number) => ({ name: t('breakouts.defaultRoomName', { number }), task: block.description, hostId: null })),
  );
  const [mode, setMode] = useState<AssignmentMode>(round?.assignmentMode ?? 'random');
  const [count, setCount] = useState(String(rooms.length));
  const [size, setSize] = useState('');
  const participantsPresent = useAppStore(
    (state) => state.peopleOrder.filter((id) => state.peopleById[id]?.role === 'participant' && state.peopleById[id]?.connection !== 'left').length,
  );
  const { send, error } = useAgendaAction();

  const update = (index: number, patch: Partial<RoomDraft>) =>
    setRooms((current) => current.map((room, position) => (position === index ? { ...room, ...patch } : room)));
  const makeRooms = (wantedCount = Number(count)) => {
    const wanted = Math.min(LIMITS.roomsMax, Math.max(1, Math.round(wantedCount) || 1));
    setCount(String(wanted));
    setRooms((current) =>
      Array.from({ length: wanted }, (_, index) => current[index] ?? { name: t('breakouts.defaultRoomName', { number: index + 1 }), task: current[0]?.task ?? '', hostId: null }),
    );
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const cap = String(form.get('roomCap') ?? '').trim();
    const ok = await send('breakout:saveRound', {
      blockId: block.id,
      rooms: rooms.map((room) => ({ ...(room.id ? { id: room.id } : {}), name: room.name.trim(), task: room.task, hostId: room.hostId })),
      assignmentMode: mode,
      roomCap: mode === 'selfSelect' && cap ? Number(cap) : null,
      graceSeconds: Number(form.get('graceSeconds') ?? 60),
      notesTemplate: String(form.get('notesTemplate') ?? ''),
    });
    if (ok) onClose();
  };

  return (
    <Dialog open title={t('breakouts.roundFor', { title: block.title })} onClose={onClose}>
      <form id={formId} onSubmit={(event) => void submit(event)} noValidate className="round-form">
        <div className="inline-form">
          <div className="field">
            <label htmlFor={`${formId}-count`}>{t('breakouts.roomCount')}</label>
            <input id={`${formId}-count`} type="number" min={1} max={LIMITS.roomsMax} value={count} onChange={(event) => setCount(event.currentTarget.value)} />
          </div>
          <button type="button" onClick={() => makeRooms()}>
            {t('breakouts.makeRooms')}
          </button>
        </div>
        <div className="inline-form">
          <div className="field">
            <label htmlFor={`${formId}-size`}>{t('breakouts.roomSize', { count: participantsPresent })}</label>
            <input id={`${formId}-size`} type="number" min={1} max={500} value={size} onChange={(event) => setSize(event.currentTarget.value)} />
          </div>
          <button
            type="button"
            disabled={!(Number(size) >= 1)}
            onClick={() => makeRooms(roomCountForSize(Math.max(1, participantsPresent), Number(size)))}
          >
            {t('breakouts.makeRoomsBySize')}
          </button>
        </div>
        <fieldset className="field">
          <legend>{t('breakouts.rooms')}</legend>
          {rooms.map((room, index) => (
            <div key={room.id ?? `new-${index}`} className="room-draft">
              <div className="field">
                <label htmlFor={`${formId}-name-${index}`}>{t('breakouts.roomName', { number: index + 1 })}</label>
                <input
                  id={`${formId}-name-${index}`}
                  value={room.name}
                  maxLength={LIMITS.roomNameMax}
                  required
                  onChange={(event) => update(index, { name: event.currentTarget.value })}
                />
              </div>
              <div className="field">
                <label htmlFor={`${formId}-task-${index}`}>{t('breakouts.roomTask', { number: index + 1 })}</label>
                <textarea
                  id={`${formId}-task-${index}`}
                  rows={2}
                  value={room.task}
                  maxLength={LIMITS.roomTaskMax}
                  onChange={(event) => update(index, { task: event.currentTarget.value })}
                />
              </div>
              {coModerators.length > 0 ? (
                <div className="field">
                  <label htmlFor={`${formId}-host-${index}`}>{t('breakouts.roomHost', { number: index + 1 })}</label>
                  <select
                    id={`${formId}-host-${index}`}
                    value={room.hostId ?? ''}
                    onChange={(event) => update(index, { hostId: event.currentTarget.value || null })}
                  >
                    <option value="">{t('breakouts.noHost')}</option>
                    {coModerators.map((person) => (
                      <option key={person.id} value={person.id}>
                        {person.displayName}
                      </option>
                    ))}
                  </select>
                </div>
              ) : null}
              {rooms.length > 1 ? (
                <button type="button" className="danger" onClick={() => setRooms((current) => current.filter((_, position) => position !== index))}>
                  {t('breakouts.removeRoom', { number: index + 1 })}
                </button>
              ) : null}
            </div>
          ))}
          <button
            type="button"
            onClick={() => setRooms((current) => [...current, { name: t('breakouts.defaultRoomName', { number: current.length + 1 }), task: current[0]?.task ?? '', hostId: null }])}
          >
            {t('breakouts.addRoom')}
          </button>
        </fieldset>
        <fieldset className="field">
          <legend>{t('breakouts.mode')}</legend>
          {ASSIGNMENT_MODES.map((option) => (
            <label key={option} className="radio radio-block">
              <input type="radio" name="assignmentMode" value={option} checked={mode === option} onChange={() => setMode(option)} />
              {t(`breakouts.modes.${option}`)}
            </label>
          ))}
        </fieldset>
        {mode === 'selfSelect' ? (
          <div className="field">
            <label htmlFor={`${formId}-cap`}>{t('breakouts.roomCap')}</label>
            <input id={`${formId}-cap`} name="roomCap" type="number" min={1} max={500} defaultValue={round?.roomCap ?? ''} />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${formId}-template`}>{t('notes.template')}</label>
          <textarea id={`${formId}-template`} name="notesTemplate" rows={3} maxLength={LIMITS.roomTaskMax} defaultValue={round?.notesTemplate ?? ''} />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-grace`}>{t('breakouts.graceSeconds')}</label>
          <input id={`${formId}-grace`} name="graceSeconds" type="number" min={0} max={600} defaultValue={round?.graceSeconds ?? 60} />
        </div>
        <FormError message={error} />
        <div className="button-row">
          <button type="submit" className="primary">
            {t('breakouts.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('breakouts.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The set-up button and summary of a breakout block's round, shown in the agenda to the moderation. */
export function RoundSetup({ block }: { block: AgendaBlockView }) {
  const { t } = useTranslation();
  const round = useAppStore((state) => state.rounds.find((candidate) => candidate.blockId === block.id));
  const [open, setOpen] = useState(false);
  return (
    <div className="round-setup">
      {round ? (
        <span className="muted">
          {t('breakouts.roundSummary', { count: round.rooms.length, mode: t(`breakouts.modes.${round.assignmentMode}`) })}{' '}
        </span>
      ) : null}
      <button type="button" onClick={() => setOpen(true)}>
        {round ? t('breakouts.editRound') : t('breakouts.setUp')}
      </button>
      {open ? <RoundDialog block={block} round={round} onClose={() => setOpen(false)} /> : null}
    </div>
  );
}
