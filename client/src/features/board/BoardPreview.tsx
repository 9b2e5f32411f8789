import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useErrorText } from '../../ui/errors.js';
import { FormError } from '../../ui/FormError.js';

/** The moderation's thumbnail of a room's board, drawn by the server, loaded when opened. */
export function BoardPreview({ roomId, roomName }: { roomId: string; roomName: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [svg, setSvg] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    request(workshopSession.socket(), 'board:preview', { roomId }).then(
      (result) => setSvg(result.svg),
      (failure: unknown) => setError(errorText(failure)),
    );
  };
  return (
    <details className="board-preview" onToggle={(event) => event.currentTarget.open && load()}>
      <summary>
        {t('board.preview')}
        <span className="visually-hidden"> {roomName}</span>
      </summary>
      <FormError message={error} />
      {svg !== null ? <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt={t('board.canvas')} className="board-thumbnail" /> : null}
    </details>
  );
}
