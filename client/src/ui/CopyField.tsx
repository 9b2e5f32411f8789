import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A read-only link with a copy button that confirms the copy to screen readers too. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState<'copied' | 'select' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      // Without clipboard access (plain http) select the text and say how to copy it.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('select');
    }
    setTimeout(() => setCopied(null), 4000);
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} readOnly value={value} data-testid={testId} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" onClick={() => void copy()}>
          {t('create.copy')}
        </button>
        <span role="status" className="copy-status">
          {copied === 'copied' ? t('create.copied') : copied === 'select' ? t('create.pressCopy') : ''}
        </span>
      </div>
    </div>
  );
}
