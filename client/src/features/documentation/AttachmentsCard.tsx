import { useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentView } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { FormError } from '../../ui/FormError.js';
import { deleteAttachment, downloadAttachment, saveFile, uploadAttachment } from './documentationApi.js';
import { formatFileSize, uploadProblem } from './files.js';
import { useDocumentationErrorText } from './useDocumentationErrorText.js';

/** One file on its way to the server. */
interface Upload {
  key: number;
  name: string;
  fraction: number;
}

/** The list of attachments with a download button each, and a remove button for the moderation. */
export function AttachmentList({
  workshopId,
  attachments,
  onRemove,
}: {
  workshopId: string;
  attachments: readonly AttachmentView[];
  onRemove?: (attachment: AttachmentView) => void;
}) {
  const { t, i18n } = useTranslation();
  const errorText = useDocumentationErrorText();
  const [error, setError] = useState<string | null>(null);
  const download = async (attachment: AttachmentView) => {
    setError(null);
    try {
      saveFile(await downloadAttachment(workshopId, attachment));
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <>
      {attachments.length === 0 ? (
        <p className="muted">{t('documentation.noAttachments')}</p>
      ) : (
        <ul className="plain-list attachment-list">
          {attachments.map((attachment) => (
            <li key={attachment.id} className="attachment">
              <span className="attachment-name">{attachment.name}</span>
              <span className="muted"> · {formatFileSize(attachment.size, i18n.language)}</span>
              <span className="attachment-actions">
                <button type="button" onClick={() => void download(attachment)} aria-label={t('documentation.download', { name: attachment.name })}>
                  {t('documentation.downloadShort')}
                </button>
                {onRemove ? (
                  <button
                    type="button"
                    className="danger"
                    onClick={() => onRemove(attachment)}
                    aria-label={t('documentation.remove', { name: attachment.name })}
                  >
                    {t('documentation.removeShort')}
                  </button>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
      <FormError message={error} />
    </>
  );
}

/** The moderation's attachments: upload by picking or dropping files, with progress; list, download, remove. */
export function AttachmentsCard({ workshopId, attachments }: { workshopId: string; attachments: readonly AttachmentView[] }) {
  const { t } = useTranslation();
  const errorText = useDocumentationErrorText();
  const setDocumentation = useAppStore((state) => state.setDocumentation);
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const nextKey = useRef(0);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const [status, setStatus] = useState('');
  const [errors, setErrors] = useState<string[]>([]);

  const storedBytes = () => attachments.reduce((sum, attachment) => sum + attachment.size, 0);

  const upload = async (files: readonly File[]) => {
    setErrors([]);
    setStatus('');
    let pendingBytes = 0;
    for (const file of files) {
      const problem = uploadProblem(file, storedBytes() + pendingBytes);
      if (problem) {
        setErrors((all) => [...all, t('documentation.uploadFailed', { name: file.name, reason: t(`documentation.uploadProblems.${problem}`) })]);
        continue;
      }
      pendingBytes += file.size;
      const key = nextKey.current++;
      setUploads((all) => [...all, { key, name: file.name, fraction: 0 }]);
      try {
        const stored = await uploadAttachment(workshopId, file, (fraction) =>
          setUploads((all) => all.map((entry) => (entry.key === key ? { ...entry, fraction } : entry))),
        );
        // The server also sends documentation:changed; showing the file at once does not wait for it.
        const current = useAppStore.getState().documentation;
        if (current && !current.attachments.some((attachment) => attachment.id === stored.id)) {
          setDocumentation({ ...current, attachments: [...current.attachments, stored] });
        }
        setStatus(t('documentation.uploaded', { name: stored.name }));
      } catch (failure) {
        setErrors((all) => [...all, t('documentation.uploadFailed', { name: file.name, reason: errorText(failure) })]);
      } finally {
        setUploads((all) => all.filter((entry) => entry.key !== key));
      }
    }
    if (input.current) input.current.value = '';
  };

  const remove = async (attachment: AttachmentView) => {
    setErrors([]);
    try {
      await deleteAttachment(workshopId, attachment.id);
      const current = useAppStore.getState().documentation;
      if (current) setDocumentation({ ...current, attachments: current.attachments.filter((other) => other.id !== attachment.id) });
      setStatus(t('documentation.removed', { name: attachment.name }));
      // The focused button is gone with its file: keep the keyboard in the card.
      input.current?.focus();
    } catch (failure) {
      setErrors([errorText(failure)]);
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) void upload(files);
  };

  return (
    <section className="card" aria-labelledby="documentation-attachments-heading">
      <h2 id="documentation-attachments-heading">{t('documentation.attachments')}</h2>
      <p className="hint">{t('documentation.attachmentsHint')}</p>
      <div
        className="drop-zone"
        data-dragging={dragging}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor={inputId}>{t('documentation.chooseFiles')}</label>
        <input
          ref={input}
          id={inputId}
          type="file"
          multiple
          onChange={(event) => void upload([...(event.currentTarget.files ?? [])])}
        />
        <p className="muted">{t('documentation.dropHere')}</p>
      </div>
      {uploads.map((entry) => (
        <div key={entry.key} className="upload-progress">
          <progress max={1} value={entry.fraction} aria-label={t('documentation.uploading', { name: entry.name })} />
          <span aria-hidden="true"> {Math.round(entry.fraction * 100)} %</span>
        </div>
      ))}
      <AttachmentList workshopId={workshopId} attachments={attachments} onRemove={(attachment) => void remove(attachment)} />
      <p role="status" className="muted">
        {status}
      </p>
      {errors.map((message) => (
        <FormError key={message} message={message} />
      ))}
    </section>
  );
}
