import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useErrorText } from '../../ui/errors.js';
import { Dialog } from '../../ui/Dialog.js';
import { downloadTemplate, saveToLibrary, storeTemplateKey, storedTemplateKey } from './templatesApi.js';

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
  const [asking, setAsking] = useState(false);
  const [key, setKey] = useState(storedTemplateKey);
  const [keyProblem, setKeyProblem] = useState<string | null>(null);
  const saveInLibrary = async () => {
    setBusy(true);
    setKeyProblem(null);
    try {
      const template = await request(workshopSession.socket(), 'template:get', {});
      const saved = await saveToLibrary(template, key.trim());
      storeTemplateKey(key.trim());
      setAsking(false);
      setStatus(t('templates.librarySaved', { name: saved.name }));
    } catch (failure) {
      setKeyProblem(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void save()} disabled={busy} title={t('templates.saveHint')}>
        {t('templates.save')}
      </button>
      <button type="button" onClick={() => setAsking(true)} disabled={busy}>
        {t('templates.librarySave')}
      </button>
      <Dialog open={asking} title={t('templates.librarySave')} onClose={() => setAsking(false)}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void saveInLibrary();
          }}
        >
          <div className="field">
            <label htmlFor="library-key">{t('templates.libraryKey')}</label>
            <input
              id="library-key"
              type="password"
              autoComplete="off"
              required
              maxLength={256}
              value={key}
              aria-invalid={keyProblem ? true : undefined}
              aria-describedby={keyProblem ? 'library-key-problem' : undefined}
              onChange={(event) => setKey(event.currentTarget.value)}
            />
            {keyProblem ? (
              <p id="library-key-problem" className="field-error" role="alert">
                {keyProblem}
              </p>
            ) : null}
          </div>
          <div className="button-row">
            <button type="submit" className="primary" disabled={busy || !key.trim()}>
              {t('templates.librarySaveConfirm')}
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              {t('series.cancel')}
            </button>
          </div>
        </form>
      </Dialog>
      <span role="status" className="copy-status">
        {status}
      </span>
    </>
  );
}
