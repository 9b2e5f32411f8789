import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { crossedWarnings, type BlockTimer, type CrossedWarning, type WarningThreshold } from '@werkraum/shared/agendaClock';
import { useAppStore } from '../../store/index.js';
import { playChime, setSoundEnabled, soundEnabled } from './sound.js';

/**
 * Shows the agenda clock's warnings (20 %, 5 %, 1 minute left, time up) once per block run, for
 * everyone, with a chime each person can mute. Warnings already passed when the page opened stay silent.
 */
export function WarningNotice({ now }: { now: number }) {
  const timer = useAppStore((state) => state.agenda?.run.timer ?? null);
  const thresholds = useAppStore((state) => state.agenda?.warningThresholds);
  return <ClockWarnings timer={timer} thresholds={thresholds} now={now} runKey={timer ? `${timer.blockId}:${timer.startedAt}` : ''} />;
}

/**
 * The warnings of any countdown on the server clock (an agenda block, a speaker's turn) in the
 * agenda's style: each threshold once per run (`runKey`), as an alert with the chime.
 */
export function ClockWarnings({
  timer,
  thresholds,
  now,
  runKey,
  overrunText,
  soundToggle = true,
  testId = 'clock-warning',
}: {
  timer: BlockTimer | null;
  thresholds: readonly WarningThreshold[] | undefined;
  now: number;
  runKey: string;
  /** What the alert says once the time is up (the agenda's words when absent). */
  overrunText?: string;
  /** Whether to offer the chime's on/off switch here (one per page is enough). */
  soundToggle?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [warning, setWarning] = useState<CrossedWarning | null>(null);
  const [sound, setSound] = useState(soundEnabled);
  const fired = useRef<{ run: string; keys: Set<string> } | null>(null);

  useEffect(() => {
    if (!timer || !thresholds) return;
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
  }, [timer, thresholds, now, runKey]);

  const text = (item: CrossedWarning) => {
    if (item.key === 'overrun') return overrunText ?? t('agenda.warnings.overrun');
    if (item.key.startsWith('fraction:')) return t('agenda.warnings.fraction', { percent: Math.round(Number(item.key.slice(9)) * 100) });
    return t('agenda.warnings.absolute', { minutes: Math.round(item.remainingMs / 60_000) });
  };

  return (
    <div className="warning-area">
      <div role="alert" className={warning ? 'warning-notice' : ''} data-testid={testId}>
        {warning ? text(warning) : ''}
      </div>
      {soundToggle ? (
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
      ) : null}
    </div>
  );
}
