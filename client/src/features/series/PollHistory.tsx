import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Poll, PollHistory as History, PollResults } from '@werkraum/shared/protocol';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';

/** The answers per option label (ids differ between dates; labels are what people compare). */
function countsByLabel(poll: Poll, results: PollResults, label: (poll: Poll, key: string) => string): Map<string, number> {
  return new Map(Object.entries(results.counts).map(([key, count]) => [label(poll, key), count]));
}

/**
 * A repeated poll's results on earlier dates beside today's, as one table: a row per option, a
 * column per date. Shown only when the poll ran on an earlier date of the series.
 */
export function PollHistory({ poll, results }: { poll: Poll; results: PollResults }) {
  const { t, i18n } = useTranslation();
  const hasEarlierDates = useAppStore((state) => state.series?.dates.some((date) => date.status === 'done') ?? false);
  const timeZone = useAppStore((state) => state.workshop?.timeZone ?? null);
  const [history, setHistory] = useState<History | null>(null);
  useEffect(() => {
    if (!hasEarlierDates) return;
    let current = true;
    request(workshopSession.socket(), 'series:pollHistory', { pollId: poll.id }).then(
      (answer) => current && setHistory(answer),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [poll.id, hasEarlierDates, results.participants]);
  if (!history || history.earlier.length === 0) return null;

  const label = (of: Poll, key: string): string => {
    if (of.type === 'yesNo') return t(`polls.yesNo.${key as 'yes' | 'no' | 'abstain'}`);
    if (of.type === 'scale') return key;
    return of.options.find((option) => option.id === key)?.label ?? key;
  };
  const dateText = (iso: string) => {
    try {
      return new Intl.DateTimeFormat(i18n.language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
    } catch {
      return new Date(iso).toLocaleDateString();
    }
  };
  const columns = [
    ...history.earlier.map((entry) => ({ key: entry.date.id, heading: dateText(entry.date.startsAt), counts: countsByLabel(entry.poll, entry.results, label), entry: entry.results })),
    { key: 'today', heading: t('series.today'), counts: countsByLabel(poll, results, label), entry: results },
  ];
  const rows = poll.type === 'text' ? [] : [...new Set(columns.flatMap((column) => [...column.counts.keys()]))];
  return (
    <div className="poll-history table-scroll">
      <table>
        <caption>{t('series.pollHistory')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('series.answer')}</th>
            {columns.map((column) => (
              <th key={column.key} scope="col">
                {column.heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row}>
              <th scope="row">{row}</th>
              {columns.map((column) => {
                const count = column.counts.get(row) ?? 0;
                const total = column.entry.participants;
                return (
                  <td key={column.key}>
                    {count} ({total === 0 ? 0 : Math.round((count / total) * 100)} %)
                  </td>
                );
              })}
            </tr>
          ))}
          {poll.type === 'scale' ? (
            <tr>
              <th scope="row">{t('series.mean')}</th>
              {columns.map((column) => (
                <td key={column.key}>{column.entry.mean === null ? '–' : column.entry.mean.toLocaleString(i18n.language)}</td>
              ))}
            </tr>
          ) : null}
          <tr>
            <th scope="row">{t('series.participants')}</th>
            {columns.map((column) => (
              <td key={column.key}>{column.entry.participants}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
