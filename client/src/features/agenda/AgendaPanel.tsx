import { useTranslation } from 'react-i18next';
import { AgendaList } from './AgendaList.js';
import { AgendaTools } from './AgendaTools.js';
import { CurrentBlock } from './CurrentBlock.js';
import { RunControls } from './RunControls.js';
import { WarningSettings } from './WarningSettings.js';
import { useIsFacilitator } from './useAgenda.js';

/**
 * The agenda in the plenary: the clock for everyone, the controls and editing for the moderation.
 * `withClock={false}` leaves out the clock and the run controls where a frame shows them elsewhere.
 */
export function AgendaPanel({ withClock = true }: { withClock?: boolean } = {}) {
  const { t } = useTranslation();
  const facilitator = useIsFacilitator();
  return (
    <section className="card agenda-panel" aria-labelledby="agenda-heading">
      <h2 id="agenda-heading">{t('agenda.heading')}</h2>
      {withClock ? <CurrentBlock /> : null}
      {withClock && facilitator ? <RunControls /> : null}
      <AgendaList />
      {facilitator ? <AgendaTools /> : null}
      {facilitator ? <WarningSettings /> : null}
    </section>
  );
}
