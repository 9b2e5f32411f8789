import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PollView } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction, useIsFacilitator } from '../agenda/useAgenda.js';
import { AnswerForm } from './AnswerForm.js';
import { PollForm } from './PollForm.js';
import { PollResultsView } from './PollResultsView.js';
import { PollHistory } from '../series/PollHistory.js';
import { FormError } from '../../ui/FormError.js';

/**
 * The poll whose status the moderation just changed: its card takes the focus once the new status
 * arrives (the button pressed goes away, and an opened poll moves into the open-poll region).
 */
let focusAfterChange: { pollId: string; from: PollView['poll']['status'] } | null = null;

/** One poll: its question, the answer form while open, results where visible, and the moderation's actions. */
function PollCard({ view, facilitator }: { view: PollView; facilitator: boolean }) {
  const { t } = useTranslation();
  const { poll } = view;
  const participation = useAppStore((state) => state.participation[poll.id] ?? view.results?.participants ?? null);
  const { send, error } = useAgendaAction();
  const [editing, setEditing] = useState(false);
  const card = useRef<HTMLElement>(null);
  // The button pressed goes away with the poll's new status: the focus moves to the poll itself.
  const sendAndFocus = (event: 'poll:open' | 'poll:close') => {
    focusAfterChange = { pollId: poll.id, from: poll.status };
    void send(event, { pollId: poll.id }).then((ok) => {
      if (!ok) focusAfterChange = null;
    });
  };
  useEffect(() => {
    if (focusAfterChange?.pollId === poll.id && focusAfterChange.from !== poll.status) {
      focusAfterChange = null;
      card.current?.focus();
    }
  }, [poll.id, poll.status]);
  return (
    <article ref={card} tabIndex={-1} className="poll-card" aria-labelledby={`poll-${poll.id}`} data-poll-id={poll.id} data-status={poll.status}>
      <h3 id={`poll-${poll.id}`}>{poll.question}</h3>
      <p className="muted">
        {t(`polls.types.${poll.type}`)} · {t(`polls.status.${poll.status}`)} · {poll.anonymous ? t('polls.anonymousNote') : t('polls.namedNote')}
        {participation !== null && poll.status !== 'draft' ? (
          <>
            {' · '}
            <span data-testid="participation">{t('polls.answers', { count: participation })}</span>
          </>
        ) : null}
      </p>
      {poll.status === 'open' ? <AnswerForm view={view} /> : null}
      {view.results ? (
        <>
          <PollResultsView poll={poll} results={view.results} fullScreenButton={facilitator} />
          <PollHistory poll={poll} results={view.results} />
        </>
      ) : poll.status !== 'draft' ? (
        <p className="muted">{t('polls.resultsHidden')}</p>
      ) : null}
      {facilitator ? (
        <div className="button-row poll-actions">
          {poll.status === 'draft' ? (
            <>
              <button type="button" className="primary" onClick={() => sendAndFocus('poll:open')}>
                {t('polls.start')}
              </button>
              <button type="button" onClick={() => setEditing(true)}>
                {t('polls.edit')}
              </button>
              <button type="button" className="danger" onClick={() => void send('poll:delete', { pollId: poll.id })}>
                {t('polls.delete')}
              </button>
            </>
          ) : null}
          {poll.status === 'open' ? (
            <button type="button" onClick={() => sendAndFocus('poll:close')}>
              {t('polls.close')}
            </button>
          ) : null}
          {poll.status === 'closed' ? (
            <button type="button" onClick={() => void send('poll:open', { pollId: poll.id })}>
              {t('polls.reopen')}
            </button>
          ) : null}
          {poll.status !== 'draft' && poll.resultsVisibility !== 'live' ? (
            <button type="button" onClick={() => void send('poll:publish', { pollId: poll.id, published: !poll.published })}>
              {poll.published ? t('polls.unpublish') : t('polls.publish')}
            </button>
          ) : null}
        </div>
      ) : null}
      <FormError message={error} />
      {editing ? <PollForm poll={poll} onClose={() => setEditing(false)} /> : null}
    </article>
  );
}

/**
 * Polls in the plenary: participants see open polls to answer and results they may see; the
 * moderation prepares, starts, closes and publishes polls and follows the results live.
 */
export function PollsPanel() {
  const { t } = useTranslation();
  const facilitator = useIsFacilitator();
  const polls = useAppStore((state) => state.polls);
  const [creating, setCreating] = useState(false);
  const visible = facilitator ? polls : polls.filter((view) => view.poll.status === 'open' || view.results);
  if (!facilitator && visible.length === 0) return null;
  // Open polls first, then the rest in the order they were made.
  const open = visible.filter((view) => view.poll.status === 'open');
  const rest = visible.filter((view) => view.poll.status !== 'open');
  return (
    <section className="card polls-panel" aria-labelledby="polls-heading">
      <h2 id="polls-heading">{t('polls.heading')}</h2>
      {open.length > 0 ? (
        // The poll to answer now is a landmark of its own, so screen readers jump straight to it.
        <section className="open-poll" aria-label={t('layout.poll')}>
          {open.map((view) => (
            <PollCard key={view.poll.id} view={view} facilitator={facilitator} />
          ))}
        </section>
      ) : null}
      {rest.map((view) => (
        <PollCard key={view.poll.id} view={view} facilitator={facilitator} />
      ))}
      {facilitator ? (
        <button type="button" onClick={() => setCreating(true)}>
          {t('polls.newPoll')}
        </button>
      ) : null}
      {creating ? <PollForm poll={null} onClose={() => setCreating(false)} /> : null}
    </section>
  );
}

/** In the run controls: the prepared polls of the running block, each started with one click. */
export function BlockPollLauncher({ blockId }: { blockId: string }) {
  const { t } = useTranslation();
  const polls = useAppStore((state) => state.polls);
  const { send } = useAgendaAction();
  const startable = polls.filter((view) => view.poll.blockId === blockId && view.poll.status !== 'open');
  if (startable.length === 0) return null;
  return (
    <div className="button-row" role="group" aria-label={t('polls.blockPolls')}>
      {startable.map((view) => (
        <button key={view.poll.id} type="button" className="primary" onClick={() => void send('poll:open', { pollId: view.poll.id })}>
          {t('polls.startNamed', { question: view.poll.question })}
        </button>
      ))}
    </div>
  );
}
