import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { agendaFromTimetable, timeOfDay } from '@werkraum/shared/agendaImport';
import { LIMITS } from '@werkraum/shared/limits';
import {
  formatTimetableMarkdown,
  formatTimetableText,
  parseTimetable,
  type TimetableEntry,
  type TimetableError,
  type TimetableErrorCode,
} from '@werkraum/shared/timetable';
import { useAppStore } from '../../store/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { TextAreaField } from '../../ui/Field.js';
import { useAgendaAction } from './useAgenda.js';
import { FormError } from '../../ui/FormError.js';
import { SaveTemplateButton } from '../templates/SaveTemplateButton.js';

/** The planned time table in the workshop's own time of day, as it is published. */
function useTimetable(): TimetableEntry[] {
  const agenda = useAppStore((state) => state.agenda);
  const workshop = useAppStore((state) => state.workshop);
  if (!agenda || !workshop) return [];
  const where = { timeZone: workshop.timeZone, startsAt: workshop.startsAt };
  let start = Date.parse(workshop.startsAt);
  return agenda.blocks.map((block) => {
    const end = start + block.plannedMinutes * 60_000;
    const entry = { start: timeOfDay(start, where), end: timeOfDay(end, where), title: block.title, description: block.description };
    start = end;
    return entry;
  });
}

/** The errors of a time table, one entry per line with all its reasons (a line can have several). */
function errorsByLine(errors: readonly TimetableError[]): { line: number; text: string; codes: TimetableErrorCode[] }[] {
  const byLine = new Map<number, { line: number; text: string; codes: TimetableErrorCode[] }>();
  for (const error of errors) {
    const entry = byLine.get(error.line) ?? { line: error.line, text: error.text, codes: [] };
    if (!entry.codes.includes(error.code)) entry.codes.push(error.code);
    byLine.set(error.line, entry);
  }
  return [...byLine.values()];
}

/** Import of a pasted time table (with a preview and line-numbered errors) and export as text or Markdown. */
export function AgendaTools() {
  const { t } = useTranslation();
  const workshop = useAppStore((state) => state.workshop);
  const running = useAppStore((state) => (state.agenda?.run.status ?? 'notStarted') !== 'notStarted');
  const entries = useTimetable();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [copied, setCopied] = useState(false);
  const { send, error, busy, clearError } = useAgendaAction();
  const parsed = useMemo(() => (text.trim() ? parseTimetable(text) : null), [text]);

  const replace = async () => {
    if (!parsed?.ok || !workshop) return;
    const imported = agendaFromTimetable(parsed.blocks, workshop.language);
    const ok = await send('agenda:replace', { blocks: imported.blocks, ...(imported.startTime ? { startTime: imported.startTime } : {}) });
    if (ok) {
      setOpen(false);
      setText('');
    }
  };
  const copyText = async () => {
    const done = await navigator.clipboard.writeText(formatTimetableText(entries)).then(
      () => true,
      () => false,
    );
    setCopied(done);
    if (done) setTimeout(() => setCopied(false), 2000);
    else downloadFile(formatTimetableText(entries), 'text/plain', 'txt');
  };
  const downloadFile = (content: string, type: string, extension: string) => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([content], { type }));
    link.download = `${(workshop?.title ?? 'agenda').replace(/[^\p{L}\p{N}]+/gu, '-')}.${extension}`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const downloadMarkdown = () => downloadFile(`# ${workshop?.title ?? ''}\n\n${formatTimetableMarkdown(entries)}`, 'text/markdown', 'md');

  return (
    <div className="button-row agenda-tools">
      <button type="button" onClick={() => setOpen(true)} disabled={running} aria-describedby={running ? 'import-running' : undefined}>
        {t('agenda.import')}
      </button>
      {running ? (
        <span id="import-running" className="visually-hidden">
          {t('agenda.importRunning')}
        </span>
      ) : null}
      <button type="button" onClick={() => void copyText()} disabled={entries.length === 0}>
        {t('agenda.exportText')}
      </button>
      <button type="button" onClick={downloadMarkdown} disabled={entries.length === 0}>
        {t('agenda.exportMarkdown')}
      </button>
      <span role="status" className="copy-status">
        {copied ? t('agenda.copied') : ''}
      </span>
      <SaveTemplateButton />
      <Dialog
        open={open}
        title={t('agenda.import')}
        onClose={() => {
          setOpen(false);
          clearError();
        }}
      >
        <p className="hint">{t('agenda.importHint')}</p>
        <TextAreaField
          label={t('agenda.importText')}
          rows={10}
          value={text}
          maxLength={LIMITS.timetableTextMax}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        <div aria-live="polite">
          {parsed && !parsed.ok ? (
            <div className="import-errors">
              <p className="form-error">{t('agenda.importErrors')}</p>
              <ul data-testid="import-errors">
                {errorsByLine(parsed.errors).map((item) => {
                  const reasons = item.codes.map((code) => t(`agenda.importReasons.${code}`)).join('; ');
                  return (
                    <li key={item.line}>
                      {item.line === 0 ? t('agenda.importWhole', { reasons }) : t('agenda.importLine', { line: item.line, text: item.text, reasons })}
                    </li>
                  );
                })}
              </ul>
            </div>
          ) : null}
          {parsed && parsed.omitted.length > 0 ? (
            <div className="import-omitted">
              <p>{t('agenda.importOmitted')}</p>
              <ul data-testid="import-omitted">
                {parsed.omitted.map((item) => (
                  <li key={item.line}>{t('agenda.importOmittedLine', { line: item.line, text: item.text })}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {parsed?.ok ? (
            <div>
              <p>{t('agenda.importPreview', { count: parsed.blocks.length })}</p>
              <ul className="import-preview">
                {parsed.blocks.map((block) => (
                  <li key={block.line}>
                    {block.start}–{block.end} {block.title} <span className="muted">({t(`agenda.types.${block.type}`)})</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
        <FormError message={error} />
        <div className="button-row">
          <button type="button" className="primary" disabled={!parsed?.ok || busy} onClick={() => void replace()}>
            {t('agenda.importReplace')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('agenda.cancel')}
          </button>
        </div>
      </Dialog>
    </div>
  );
}
