import { useEffect, useId, useRef, useState } from 'react';
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
/** Below this width (px) the chart puts each label above its bar, drawn at the real width, so text keeps its size. */
const NARROW_CHART = 520;
const NARROW_LABEL_HEIGHT = 20;

/** The element's content width in px, following resizes (null before the first layout). */
function useWidth(element: React.RefObject<HTMLElement | null>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const target = element.current;
    if (!target || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.round(entry.contentRect.width)));
    observer.observe(target);
    return () => observer.disconnect();
  }, [element]);
  return width;
}

/**
 * Results as an SVG bar chart with the count and percentage written next to every bar, and the
 * same figures as a table for screen readers; open text as a word cloud and a list.
 */
export function PollResultsView({ poll, results, fullScreenButton = false }: { poll: Poll; results: PollResults; fullScreenButton?: boolean }) {
  const { t } = useTranslation();
  const titleId = useId();
  const figure = useRef<HTMLElement>(null);
  const label = useOptionLabel(poll);
  const measured = useWidth(figure);
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
    const narrow = measured !== null && measured < NARROW_CHART;
    const chartWidth = narrow ? Math.max(measured, 200) : CHART_WIDTH;
    const labelWidth = narrow ? 0 : LABEL_WIDTH;
    const rowHeight = BAR_HEIGHT + GAP + (narrow ? NARROW_LABEL_HEIGHT : 0);
    const height = entries.length * rowHeight;
    const barSpace = chartWidth - labelWidth - 110;
    // About 8 px per character at 14 px: longer labels end in an ellipsis (the table has them in full).
    const maxChars = narrow ? Math.floor(chartWidth / 8) : 28;
    body = (
      <>
        <svg className="poll-chart" viewBox={`0 0 ${chartWidth} ${height}`} width="100%" aria-hidden="true" focusable="false" data-layout={narrow ? 'stacked' : 'side'}>
          {entries.map(([key, count], index) => {
            const top = index * rowHeight;
            const y = top + (narrow ? NARROW_LABEL_HEIGHT : 0);
            const width = total === 0 ? 0 : (count / total) * barSpace;
            const text = label(key).length > maxChars ? `${label(key).slice(0, maxChars - 1)}…` : label(key);
            return (
              <g key={key}>
                {narrow ? (
                  <text x={0} y={top + NARROW_LABEL_HEIGHT / 2} dominantBaseline="middle" className="chart-label">
                    {text}
                  </text>
                ) : (
                  <text x={LABEL_WIDTH - 8} y={y + BAR_HEIGHT / 2} textAnchor="end" dominantBaseline="middle" className="chart-label">
                    {text}
                  </text>
                )}
                <rect x={labelWidth} y={y} width={Math.max(width, 2)} height={BAR_HEIGHT} rx={3} className="chart-bar" />
                <text x={labelWidth + width + 8} y={y + BAR_HEIGHT / 2} dominantBaseline="middle" className="chart-value">
                  {count} ({percent(count)} %)
                </text>
              </g>
            );
          })}
        </svg>
        {/* A table ignores its width: the wrapper keeps long labels from widening a phone's page. */}
        <div className="visually-hidden">
          <table>
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
        </div>
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
