import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A read-only link with a copy button that confirms the copy to screen readers too. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Without clipboard access (insecure origin) select the text so the person can copy it.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
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
          {copied ? t('create.copied') : ''}
        </span>
      </div>
    </div>
  );
}
