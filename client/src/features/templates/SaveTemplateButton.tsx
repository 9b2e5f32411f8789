import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useErrorText } from '../../ui/errors.js';
import { downloadTemplate } from './templatesApi.js';

/** Facilitators: save the workshop's format (agenda, polls, rounds; no people) as a template file. */
export function SaveTemplateButton() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const save = async () => {
    setBusy(true);
    setStatus('');
    try {
      const template = await request(workshopSession.socket(), 'template:get', {});
      downloadTemplate(template);
      setStatus(t('templates.saved'));
    } catch (failure) {
      setStatus(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void save()} disabled={busy} title={t('templates.saveHint')}>
        {t('templates.save')}
      </button>
      <span role="status" className="copy-status">
        {status}
      </span>
    </>
  );
}
