import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SeriesReview } from '@werkraum/shared/protocol';
import { formatStart } from '../../app/format.js';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { useErrorText } from '../../ui/errors.js';
import { PollResultsView } from '../polls/PollResultsView.js';

/**
 * A review block ("Rückblick"): what the previous date of the series produced, on everyone's
 * screen: each room's notes and board outline, and the polls whose results were public.
 */
export function ReviewPanel() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const timeZone = useAppStore((state) => state.workshop?.timeZone ?? null);
  const hasEarlierDates = useAppStore((state) => state.series?.dates.some((date) => date.status === 'done') ?? false);
  const [review, setReview] = useState<SeriesReview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!hasEarlierDates) return;
    let current = true;
    request(workshopSession.socket(), 'series:review', {}).then(
      (answer) => current && setReview(answer),
      (error: unknown) => current && setProblem(errorText(error)),
    );
    return () => {
      current = false;
    };
    // errorText only formats a failure; the review is read once per earlier date.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hasEarlierDates]);

  return (
    <section className="card review-panel" aria-labelledby="review-heading">
      <h2 id="review-heading">
        {review ? t('series.reviewOf', { date: formatStart(review.date.startsAt, i18n.language, timeZone) }) : t('series.review')}
      </h2>
      {!hasEarlierDates ? <p>{t('series.noEarlierDate')}</p> : null}
      {problem ? <p className="form-error">{problem}</p> : null}
      {hasEarlierDates && !review && !problem ? <p role="status">{t('workshop.loading')}</p> : null}
      {review ? (
        <>
          {review.findings.length === 0 && review.rooms.length === 0 && review.polls.length === 0 ? <p>{t('series.nothingRecorded')}</p> : null}
          {review.findings.length > 0 ? (
            <>
              <h3>{t('series.findings')}</h3>
              <ol className="review-findings">
                {review.findings.map((finding) => (
                  <li key={finding.id} className={finding.priority ? 'priority' : undefined}>
                    {finding.heading ? <span className="muted">{finding.heading}: </span> : null}
                    {finding.text}
                    {finding.priority ? <span className="badge"> {t('series.priority')}</span> : null}
                    {finding.roomName ? <span className="muted"> · {finding.roomName}</span> : null}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          {/* Until findings were collected, the rooms' own notes and boards stand in for them. */}
          {review.findings.length > 0 ? null : review.rooms.map((room) => (
            <article key={room.roomId} className="review-room">
              <h3>
                {room.name} <span className="muted">· {room.roundTitle}</span>
              </h3>
              {room.notes ? <pre className="review-text">{room.notes}</pre> : null}
              {room.board ? (
                <>
                  <h4>{t('series.board')}</h4>
                  <pre className="review-text">{room.board}</pre>
                </>
              ) : null}
              {!room.notes && !room.board ? <p className="muted">{t('series.roomEmpty')}</p> : null}
            </article>
          ))}
          {review.polls.map((entry) => (
            <PollResultsView key={entry.poll.id} poll={entry.poll} results={entry.results} />
          ))}
        </>
      ) : null}
    </section>
  );
}
