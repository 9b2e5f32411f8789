import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Poll, PollResults } from '@werkraum/shared/protocol';

/** The label of an option or scale value as people read it. */
export function useOptionLabel(poll: Poll): (key: string) => string {
  const { t } = useTranslation();
  return (key) => {
    if (poll.type === 'yesNo') return t(`polls.yesNo.${key as 'yes' | 'no' | 'abstain'}`);
    if (poll.type === 'scale' && poll.scale) {
      const value = Number(key);
      const label = value === poll.scale.min ? poll.scale.minLabel : value === poll.scale.max ? poll.scale.maxLabel : '';
      return label ? `${key} – ${label}` : key;
    }
    return poll.options.find((option) => option.id === key)?.label ?? key;
  };
}

const BAR_HEIGHT = 28;
const GAP = 10;
const LABEL_WIDTH = 220;
const CHART_WIDTH = 640;

/**
 * Results as an SVG bar chart with the count and percentage written next to every bar, and the
 * same figures as a table for screen readers; open text as a word cloud and a list.
 */
export function PollResultsView({ poll, results, fullScreenButton = false }: { poll: Poll; results: PollResults; fullScreenButton?: boolean }) {
  const { t } = useTranslation();
  const titleId = useId();
  const figure = useRef<HTMLElement>(null);
  const label = useOptionLabel(poll);
  const total = results.participants;
  const percent = (count: number) => (total === 0 ? 0 : Math.round((count / total) * 100));

  const fullScreen = () => {
    const element = figure.current;
    if (element?.requestFullscreen) void element.requestFullscreen().catch(() => undefined);
  };

  let body;
  if (poll.type === 'text') {
    const most = results.words[0]?.count ?? 1;
    body = (
      <>
        {results.words.length > 0 ? (
          <>
            <h4>{t('polls.words')}</h4>
            <ul className="word-cloud">
              {results.words.map((entry) => (
                <li key={entry.word} style={{ fontSize: `${0.9 + (entry.count / most) * 1.6}rem` }}>
                  {entry.word} <span className="visually-hidden">({entry.count})</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h4>{t('polls.allAnswers')}</h4>
        <ul className="text-answers">
          {results.texts.map((text, index) => (
            <li key={index}>{text}</li>
          ))}
        </ul>
      </>
    );
  } else {
    const entries = Object.entries(results.counts);
    const height = entries.length * (BAR_HEIGHT + GAP);
    const barSpace = CHART_WIDTH - LABEL_WIDTH - 110;
    body = (
      <>
        <svg className="poll-chart" viewBox={`0 0 ${CHART_WIDTH} ${height}`} width="100%" aria-hidden="true" focusable="false">
          {entries.map(([key, count], index) => {
            const y = index * (BAR_HEIGHT + GAP);
            const width = total === 0 ? 0 : (count / total) * barSpace;
            return (
              <g key={key}>
                <text x={LABEL_WIDTH - 8} y={y + BAR_HEIGHT / 2} textAnchor="end" dominantBaseline="middle" className="chart-label">
                  {label(key).length > 28 ? `${label(key).slice(0, 27)}…` : label(key)}
                </text>
                <rect x={LABEL_WIDTH} y={y} width={Math.max(width, 2)} height={BAR_HEIGHT} rx={3} className="chart-bar" />
                <text x={LABEL_WIDTH + width + 8} y={y + BAR_HEIGHT / 2} dominantBaseline="middle" className="chart-value">
                  {count} ({percent(count)} %)
                </text>
              </g>
            );
          })}
        </svg>
        <table className="visually-hidden">
          <caption>{t('polls.chartLabel', { question: poll.question })}</caption>
          <tbody>
            {entries.map(([key, count]) => (
              <tr key={key}>
                <th scope="row">{label(key)}</th>
                <td>
                  {count} ({percent(count)} %)
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {results.mean !== null ? <p>{t('polls.mean', { mean: results.mean.toLocaleString() })}</p> : null}
      </>
    );
  }

  return (
    <figure className="poll-results" ref={figure} aria-labelledby={titleId} data-testid="poll-results">
      <figcaption id={titleId}>
        <span className="poll-results-question">{poll.question}</span> · {t('polls.answers', { count: total })}
      </figcaption>
      {body}
      {fullScreenButton ? (
        <button type="button" className="full-screen-button" onClick={fullScreen}>
          {t('polls.fullScreen')}
        </button>
      ) : null}
    </figure>
  );
}
