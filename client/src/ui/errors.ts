import { useTranslation } from 'react-i18next';
import { RequestError } from '../realtime/socket.js';

/** Turns a failed request into a sentence in the UI language. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    const code = error instanceof RequestError ? error.code : (error as { code?: string } | null)?.code;
    const known = code ? t(`errors.${code}` as 'errors.internal', { defaultValue: '' }) : '';
    return known || t('errors.internal');
  };
}
