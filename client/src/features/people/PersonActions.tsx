import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '@werkraum/shared/limits';
import type { PersonView } from '@werkraum/shared/protocol';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { Dialog } from '../../ui/Dialog.js';
import { TextField } from '../../ui/Field.js';
import { useErrorText } from '../../ui/errors.js';
import { FormError } from '../../ui/FormError.js';

/** The moderator's actions on one person: rename, promote/demote, remove. */
export function PersonActions({ person }: { person: PersonView }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const menuId = useId();
  const [expanded, setExpanded] = useState(false);
  const [dialog, setDialog] = useState<'rename' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  // The menu closes on Escape (focus back on its button) and on a click or focus elsewhere.
  useEffect(() => {
    if (!expanded) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setExpanded(false);
      toggle.current?.focus();
    };
    const onOutside = (event: Event) => {
      if (!container.current?.contains(event.target as Node)) setExpanded(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onOutside);
    document.addEventListener('focusin', onOutside);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onOutside);
      document.removeEventListener('focusin', onOutside);
    };
  }, [expanded]);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      setDialog(null);
      setExpanded(false);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  const socket = () => workshopSession.socket();

  const rename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const displayName = String(new FormData(event.currentTarget).get('displayName') ?? '').trim();
    if (!displayName) {
      setError(t('errors.required'));
      return;
    }
    void run(() => request(socket(), 'people:rename', { personId: person.id, displayName }));
  };

  return (
    <div className="person-actions" ref={container}>
      <button
        ref={toggle}
        type="button"
        className="icon-button"
        aria-expanded={expanded}
        aria-controls={menuId}
        onClick={() => setExpanded((value) => !value)}
      >
        <span aria-hidden="true">⋯</span>
        <span className="visually-hidden">{t('people.actionsFor', { name: person.displayName })}</span>
      </button>
      <ul id={menuId} className="action-list" hidden={!expanded}>
        <li>
          <button type="button" onClick={() => setDialog('rename')}>
            {t('people.rename')}
          </button>
        </li>
        {person.role !== 'moderator' ? (
          <li>
            <button
              type="button"
              onClick={() =>
                void run(() =>
                  request(socket(), 'people:setRole', {
                    personId: person.id,
                    role: person.role === 'participant' ? 'coModerator' : 'participant',
                  }),
                )
              }
            >
              {person.role === 'participant' ? t('people.makeCoModerator') : t('people.makeParticipant')}
            </button>
          </li>
        ) : null}
        {person.role !== 'moderator' ? (
          <li>
            <button type="button" className="danger" onClick={() => setDialog('remove')}>
              {t('people.remove')}
            </button>
          </li>
        ) : null}
      </ul>
      <FormError message={dialog ? null : error} />
      <Dialog open={dialog === 'rename'} title={t('people.renameTitle', { name: person.displayName })} onClose={() => setDialog(null)}>
        <form onSubmit={rename} noValidate>
          <TextField
            label={t('people.newName')}
            name="displayName"
            defaultValue={person.displayName}
            maxLength={LIMITS.displayNameMax}
            required
            error={error}
            autoFocus
          />
          <div className="button-row">
            <button type="submit" className="primary">
              {t('people.save')}
            </button>
            <button type="button" onClick={() => setDialog(null)}>
              {t('people.cancel')}
            </button>
          </div>
        </form>
      </Dialog>
      <Dialog open={dialog === 'remove'} title={t('people.removeTitle', { name: person.displayName })} onClose={() => setDialog(null)}>
        <p>{t('people.removeText', { name: person.displayName })}</p>
        <FormError message={error} />
        <div className="button-row">
          <button
            type="button"
            className="danger"
            onClick={() => void run(() => request(socket(), 'people:remove', { personId: person.id }))}
          >
            {t('people.removeConfirm')}
          </button>
          <button type="button" onClick={() => setDialog(null)} autoFocus>
            {t('people.cancel')}
          </button>
        </div>
      </Dialog>
    </div>
  );
}
