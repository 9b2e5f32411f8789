import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';

/** This tab's connection state, announced politely to screen readers when it changes. */
export function ConnectionBadge() {
  const { t } = useTranslation();
  const connection = useAppStore((state) => state.connection);
  return (
    <span role="status" className={`connection connection-${connection}`} data-connection={connection}>
      <span className="connection-dot" aria-hidden="true" />
      {t(`connection.${connection}`)}
    </span>
  );
}
