import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction, useIsFacilitator } from '../agenda/useAgenda.js';
import { FormError } from '../../ui/FormError.js';
import { CollectTools } from './CollectTools.js';
import { FindingItem } from './FindingItem.js';
import { useRoundTitle } from './useFindings.js';
import './findings.css';

/** Value of the scope choice for the whole workshop's list. */
const WHOLE_WORKSHOP = '';

/**
 * The findings lists in the plenary: per breakout round and for the whole workshop. Facilitators
 * see per room how many findings it proposed, collect from a room, edit, merge, order and present;
 * participants read the findings of the rooms they sat in.
 */
export function FindingsPanel() {
  const { t } = useTranslation();
  const facilitator = useIsFacilitator();
  const findings = useAppStore((state) => state.findings);
  const counts = useAppStore((state) => state.findingCounts);
  const rounds = useAppStore((state) => state.rounds);
  const roundTitle = useRoundTitle();
  const { send, error } = useAgendaAction();
  const [scope, setScope] = useState(WHOLE_WORKSHOP);
  const [selected, setSelected] = useState<string[]>([]);
  const [collectRoom, setCollectRoom] = useState('');

  const roundId = scope === WHOLE_WORKSHOP ? null : scope;
  const shown = roundId === null ? findings : findings.filter((finding) => finding.roundId === roundId);
  const round = rounds.find((candidate) => candidate.id === roundId);
  const openedRounds = rounds.filter((candidate) => candidate.openedAt !== null);
  if (!facilitator && findings.length === 0) return null;
  const collectIn = round?.rooms.find((room) => room.id === collectRoom) ?? round?.rooms[0];
  const selectedShown = shown.filter((finding) => selected.includes(finding.id));

  return (
    <section className="card findings-panel" aria-labelledby="findings-heading" data-testid="findings-panel">
      <h2 id="findings-heading">{t('findings.heading')}</h2>
      <div className="field">
        <label htmlFor="findings-scope">{t('findings.scope')}</label>
        <select id="findings-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
          <option value={WHOLE_WORKSHOP}>{t('findings.wholeWorkshop')}</option>
          {openedRounds.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {roundTitle(candidate.id) || t('findings.round')}
            </option>
          ))}
        </select>
      </div>
      {facilitator && round ? (
        <>
          <table className="findings-counts">
            <caption>{t('findings.perRoom')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('findings.room')}</th>
                <th scope="col">{t('findings.proposals')}</th>
                <th scope="col">{t('findings.findingsCount')}</th>
              </tr>
            </thead>
            <tbody>
              {round.rooms.map((room) => {
                const count = counts.find((entry) => entry.roundId === round.id && entry.roomId === room.id);
                return (
                  <tr key={room.id} data-testid="room-count" data-room-id={room.id} className={count?.proposals ? '' : 'findings-none'}>
                    <th scope="row">{room.name}</th>
                    <td>{count?.proposals ?? 0}</td>
                    <td>{count?.findings ?? 0}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {collectIn ? (
            <>
              <div className="field">
                <label htmlFor="collect-room">{t('findings.collectRoom')}</label>
                <select id="collect-room" value={collectIn.id} onChange={(event) => setCollectRoom(event.target.value)}>
                  {round.rooms.map((room) => (
                    <option key={room.id} value={room.id}>
                      {room.name}
                    </option>
                  ))}
                </select>
              </div>
              <CollectTools roundId={round.id} roomId={collectIn.id} roomLabel={collectIn.name} />
            </>
          ) : null}
        </>
      ) : null}
      {shown.length === 0 ? (
        <p className="muted">{t('findings.noneYet')}</p>
      ) : (
        <ol className="plain-list findings-list" aria-label={t('findings.listLabel')}>
          {shown.map((finding, index) => {
            const showHeading = finding.heading && finding.heading !== shown[index - 1]?.heading;
            return (
              <FindingWithHeading key={finding.id} heading={showHeading ? finding.heading : null}>
                <FindingItem
                  finding={finding}
                  facilitator={facilitator}
                  previousId={shown[index - 1]?.id ?? null}
                  nextId={shown[index + 1]?.id ?? null}
                  selected={selected.includes(finding.id)}
                  onSelect={(on) => setSelected((current) => (on ? [...current, finding.id] : current.filter((id) => id !== finding.id)))}
                />
              </FindingWithHeading>
            );
          })}
        </ol>
      )}
      {facilitator ? (
        <div className="button-row">
          <button
            type="button"
            disabled={selectedShown.length < 2}
            onClick={async () => {
              const [target, ...rest] = selectedShown;
              if (target && (await send('findings:merge', { findingId: target.id, mergeIds: rest.map((finding) => finding.id) }))) setSelected([]);
            }}
          >
            {t('findings.merge', { count: selectedShown.length })}
          </button>
          <button type="button" disabled={shown.length === 0} onClick={() => void send('stage:show', { kind: 'findings', roundId })}>
            {t('stage.showList')}
          </button>
          <button type="button" className="primary" disabled={shown.length === 0} onClick={() => void send('stage:show', { kind: 'finding', roundId, index: 0 })}>
            {t('stage.presentOneByOne')}
          </button>
        </div>
      ) : null}
      <FormError message={error} />
    </section>
  );
}

/** A heading the following findings are grouped under, shown where it starts. */
function FindingWithHeading({ heading, children }: { heading: string | null; children: React.ReactNode }) {
  if (!heading) return <>{children}</>;
  return (
    <>
      <li className="findings-group-heading">
        <h3>{heading}</h3>
      </li>
      {children}
    </>
  );
}
