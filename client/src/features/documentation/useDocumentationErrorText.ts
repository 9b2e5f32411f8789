import { useTranslation } from 'react-i18next';
import { useErrorText } from '../../ui/errors.js';

/** Error sentences for the documentation: its own codes (PDF unavailable, too large, busy), else the common ones. */
export function useDocumentationErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  const common = useErrorText();
  return (error) => {
    const code = (error as { code?: unknown } | null)?.code;
    const own = typeof code === 'string' ? t(`documentation.errors.${code}` as 'documentation.errors.unavailable', { defaultValue: '' }) : '';
    return own || common(error);
  };
}
