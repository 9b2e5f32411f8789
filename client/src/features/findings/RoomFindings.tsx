import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction, useIsFacilitator } from '../agenda/useAgenda.js';
import { TextAreaField } from '../../ui/Field.js';
import { FormError } from '../../ui/FormError.js';
import { CollectTools } from './CollectTools.js';
import './findings.css';

/**
 * The findings of one breakout room, inside the room: everyone proposes (a short text) and sees
 * the room's findings; visiting facilitators also collect from the notes and the board.
 */
export function RoomFindings({ roundId, roomId, roomLabel }: { roundId: string; roomId: string; roomLabel: string }) {
  const { t } = useTranslation();
  const facilitator = useIsFacilitator();
  const all = useAppStore((state) => state.findings);
  const findings = all.filter((finding) => finding.roundId === roundId && finding.sources.some((source) => source.roomId === roomId));
  const { send, error } = useAgendaAction();
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);

  return (
    <section className="card room-findings" aria-labelledby={`room-findings-${roomId}`}>
      <h2 id={`room-findings-${roomId}`}>{t('findings.roomHeading')}</h2>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setSent(false);
          if (await send('findings:propose', { roundId, roomId, text })) {
            setText('');
            setSent(true);
          }
        }}
      >
        <TextAreaField
          label={t('findings.propose')}
          hint={t('findings.proposeHint')}
          value={text}
          maxLength={500}
          rows={2}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {t('findings.proposeButton')}
        </button>
        <p role="status" className="muted">
          {sent ? t('findings.proposed') : ''}
        </p>
      </form>
      <FormError message={error} />
      {findings.length > 0 ? (
        <ol className="plain-list room-findings-list" aria-label={t('findings.roomHeading')}>
          {findings.map((finding) => (
            <li key={finding.id} data-testid="room-finding">
              {finding.text}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{t('findings.noneYet')}</p>
      )}
      {facilitator ? <CollectTools roundId={roundId} roomId={roomId} roomLabel={roomLabel} /> : null}
    </section>
  );
}
