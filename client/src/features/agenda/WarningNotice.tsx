import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { crossedWarnings, type CrossedWarning } from '@werkraum/shared/agendaClock';
import { useAppStore } from '../../store/index.js';
import { playChime, setSoundEnabled, soundEnabled } from './sound.js';

/**
 * Shows the clock's warnings (20 %, 5 %, 1 minute left, time up) once per block run, for everyone,
 * with a chime each person can mute. Warnings already passed when the page opened stay silent.
 */
export function WarningNotice({ now }: { now: number }) {
  const { t } = useTranslation();
  const timer = useAppStore((state) => state.agenda?.run.timer ?? null);
  const thresholds = useAppStore((state) => state.agenda?.warningThresholds);
  const [warning, setWarning] = useState<CrossedWarning | null>(null);
  const [sound, setSound] = useState(soundEnabled);
  const fired = useRef<{ run: string; keys: Set<string> } | null>(null);

  useEffect(() => {
    if (!timer || !thresholds) return;
    const runKey = `${timer.blockId}:${timer.startedAt}`;
    const crossed = crossedWarnings(timer, now, thresholds);
    if (fired.current?.run !== runKey) {
      fired.current = { run: runKey, keys: new Set(crossed.map((item) => item.key)) };
      setWarning(null);
      return;
    }
    const fresh = crossed.filter((item) => !fired.current!.keys.has(item.key));
    if (fresh.length === 0) return;
    fresh.forEach((item) => fired.current!.keys.add(item.key));
    setWarning(fresh.at(-1)!);
    if (soundEnabled()) playChime();
  }, [timer, thresholds, now]);

  const text = (item: CrossedWarning) => {
    if (item.key === 'overrun') return t('agenda.warnings.overrun');
    if (item.key.startsWith('fraction:')) return t('agenda.warnings.fraction', { percent: Math.round(Number(item.key.slice(9)) * 100) });
    return t('agenda.warnings.absolute', { minutes: Math.round(item.remainingMs / 60_000) });
  };

  return (
    <div className="warning-area">
      <div role="alert" className={warning ? 'warning-notice' : ''} data-testid="clock-warning">
        {warning ? text(warning) : ''}
      </div>
      <label className="sound-toggle">
        <input
          type="checkbox"
          checked={sound}
          onChange={(event) => {
            setSoundEnabled(event.currentTarget.checked);
            setSound(event.currentTarget.checked);
          }}
        />{' '}
        {t('agenda.sound')}
      </label>
    </div>
  );
}
