import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';

/**
 * " · in the call" after a person who is in a call now (from LiveKit's webhooks), and " · speaking"
 * while they speak there (as text, not colour only); nothing otherwise.
 */
export function InCallBadge({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const inCall = useAppStore((state) => personId in state.inCall);
  const speaking = useAppStore((state) => state.callSpeakers.includes(personId));
  return inCall ? (
    <>
      <span className="person-in-call" data-testid="in-call">
        {' · '}
        {t('media.inCall')}
      </span>
      {speaking ? (
        <span className="person-speaking" data-testid="speaking">
          {' · '}
          {t('media.speaking')}
        </span>
      ) : null}
    </>
  ) : null;
}
