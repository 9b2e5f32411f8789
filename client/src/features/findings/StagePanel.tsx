import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StageFinding, StageView } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction, useIsFacilitator } from '../agenda/useAgenda.js';
import { request } from '../../realtime/socket.js';
import { workshopSession } from '../../realtime/session.js';
import { FormError } from '../../ui/FormError.js';
import './findings.css';

/**
 * What a facilitator put on everyone's screen: a room's notes or board, the findings list, or one
 * finding at a time with the room it came from. Facilitators step and stop; participants agree
 * when it is allowed. Shows nothing while everyone is in their own view.
 */
export function StagePanel() {
  const { t } = useTranslation();
  const stage = useAppStore((state) => state.stage);
  const facilitator = useIsFacilitator();
  const { send, error } = useAgendaAction();
  if (!stage) return null;

  return (
    <section className="card stage" aria-labelledby="stage-heading" data-testid="stage" data-stage-kind={stage.kind}>
      <p className="clock-label" id="stage-heading">
        {t('stage.heading')}
      </p>
      <div className="stage-content" aria-live="polite">
        <StageContent stage={stage} />
      </div>
      {facilitator ? (
        <div className="button-row stage-controls">
          {stage.kind === 'finding' ? (
            <>
              <button type="button" disabled={stage.index === 0} onClick={() => void send('stage:step', { direction: 'back' })}>
                {t('stage.back')}
              </button>
              <button type="button" className="primary" disabled={stage.index >= stage.total - 1} onClick={() => void send('stage:step', { direction: 'next' })}>
                {t('stage.next')}
              </button>
            </>
          ) : null}
          {stage.kind === 'finding' || stage.kind === 'findings' ? (
            <ReactionsToggle allowed={stage.reactions} onChange={(allowed) => send('stage:reactions', { allowed })} />
          ) : null}
          {stage.kind === 'notes' || stage.kind === 'board' ? (
            <button type="button" onClick={() => void send('stage:show', { kind: stage.kind, roundId: stage.roundId, roomId: stage.roomId })}>
              {t('stage.refresh')}
            </button>
          ) : null}
          <button type="button" className="danger" onClick={() => void send('stage:stop', {})}>
            {t('stage.stop')}
          </button>
        </div>
      ) : null}
      <FormError message={error} />
    </section>
  );
}

function StageContent({ stage }: { stage: StageView }) {
  const { t } = useTranslation();
  switch (stage.kind) {
    case 'notes':
      return (
        <>
          <h2>{t('stage.notesOf', { room: stage.roomName || t('findings.plenary') })}</h2>
          <div className="notes-content" dangerouslySetInnerHTML={{ __html: stage.html }} />
        </>
      );
    case 'board':
      return (
        <>
          <h2>{t('stage.boardOf', { room: stage.roomName || t('findings.plenary') })}</h2>
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(stage.svg)}`} alt={t('stage.boardOf', { room: stage.roomName })} />
        </>
      );
    case 'findings':
      return (
        <>
          <h2>{t('findings.heading')}</h2>
          <ol className="plain-list findings-list">
            {stage.findings.map((finding) => (
              <li key={finding.id} className="finding">
                <ShownFinding finding={finding} reactions={stage.reactions} compact />
              </li>
            ))}
          </ol>
        </>
      );
    case 'finding':
      if (!stage.finding) return <p>{t('findings.noneYet')}</p>;
      return (
        <>
          <p className="muted" data-testid="stage-position">
            {t('stage.position', { position: stage.index + 1, total: stage.total })}
          </p>
          <ShownFinding finding={stage.finding} reactions={stage.reactions} />
        </>
      );
  }
}

/** One finding on the stage with its room, its agreement count and (for participants, when allowed) the agree button. */
function ShownFinding({ finding, reactions, compact = false }: { finding: StageFinding; reactions: boolean; compact?: boolean }) {
  const { t } = useTranslation();
  const agreed = useAppStore((state) => state.agreedFindings.includes(finding.id));
  const setAgreed = useAppStore((state) => state.setAgreed);
  const facilitator = useIsFacilitator();

  async function toggle() {
    try {
      const result = await request(workshopSession.socket(), 'stage:agree', { findingId: finding.id, agree: !agreed });
      setAgreed(finding.id, result.agreed);
    } catch {
      // The stage moved on meanwhile; nothing to count.
    }
  }

  return (
    <>
      {finding.heading && !compact ? <p className="clock-label">{finding.heading}</p> : null}
      <p className={compact ? 'finding-text' : 'stage-finding'} data-testid="stage-finding">
        {finding.text}
      </p>
      <p className="muted">
        {finding.roomName ? t('findings.fromRoom', { room: finding.roomName }) : t('findings.wholeWorkshop')}
        {' · '}
        <span data-testid="stage-agreements">{t('findings.agreements', { count: finding.agreements })}</span>
      </p>
      {reactions && !facilitator ? (
        <button type="button" aria-pressed={agreed} onClick={() => void toggle()}>
          {agreed ? t('stage.agreed') : t('stage.agree')}
        </button>
      ) : null}
    </>
  );
}

/**
 * "Allow agreement": shows the new state at once while the server is asked, and the server's
 * state again when it refused (the error shows below the controls).
 */
function ReactionsToggle({ allowed, onChange }: { allowed: boolean; onChange: (allowed: boolean) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [pending, setPending] = useState<boolean | null>(null);
  // The server's state caught up with the click: show it from now on.
  useEffect(() => {
    if (pending === allowed) setPending(null);
  }, [pending, allowed]);
  return (
    <label className="inline-check">
      <input
        type="checkbox"
        checked={pending ?? allowed}
        onChange={(event) => {
          const next = event.target.checked;
          setPending(next);
          void onChange(next).then((ok) => {
            if (!ok) setPending(null);
          });
        }}
      />{' '}
      {t('stage.allowReactions')}
    </label>
  );
}
