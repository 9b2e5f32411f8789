import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useErrorText } from '../../ui/errors.js';
import { FormError } from '../../ui/FormError.js';

/** The moderation's read-only look at a room's notes, rendered by the server, loaded when opened. */
export function NotesPreview({ roomId, roomName }: { roomId: string; roomName: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    request(workshopSession.socket(), 'notes:preview', { roomId }).then(
      (result) => setHtml(result.html),
      (failure: unknown) => setError(errorText(failure)),
    );
  };
  return (
    <details className="notes-preview" onToggle={(event) => event.currentTarget.open && load()}>
      <summary>
        {t('notes.preview')}
        <span className="visually-hidden"> {roomName}</span>
      </summary>
      <FormError message={error} />
      {/* The server renders the notes with every text escaped. */}
      {html !== null ? <div className="notes-content preview" dangerouslySetInnerHTML={{ __html: html }} /> : null}
    </details>
  );
}
