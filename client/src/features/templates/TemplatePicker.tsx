import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateSummary, WorkshopTemplate } from '@werkraum/shared/protocol';
import type { Language } from '@werkraum/shared/roles';
import { useErrorText } from '../../ui/errors.js';
import { fetchTemplate, listTemplates, readTemplateFile, storeTemplateKey, storedTemplateKey, type TemplateFileProblem } from './templatesApi.js';

/** What the create form starts the workshop from. */
export type TemplateChoice =
  | { kind: 'empty' }
  | { kind: 'builtIn'; id: string; key?: string }
  | { kind: 'file'; template: WorkshopTemplate };

/** Resolves a choice to the template to send with the create request (undefined: an empty workshop). */
export async function templateOfChoice(choice: TemplateChoice): Promise<WorkshopTemplate | undefined> {
  if (choice.kind === 'empty') return undefined;
  if (choice.kind === 'file') return choice.template;
  return fetchTemplate(choice.id, choice.key);
}

interface Props {
  /** The workshop language chosen in the form: its templates come first. */
  language: Language;
  choice: TemplateChoice;
  onChange: (choice: TemplateChoice) => void;
  /** An error the server gave for the template (a bad field), shown at the file. */
  error: string | null;
}

/** "Start from": an empty workshop, one of the server's templates, or a template file. */
export function TemplatePicker({ language, choice, onChange, error }: Props) {
  const { t } = useTranslation();
  const [templates, setTemplates] = useState<TemplateSummary[]>([]);
  const [fileProblem, setFileProblem] = useState<TemplateFileProblem | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const fileId = useId();
  const problemId = useId();
  const errorText = useErrorText();
  const keyId = useId();
  const [libraryKey, setLibraryKey] = useState(storedTemplateKey);
  const [libraryProblem, setLibraryProblem] = useState<string | null>(null);
  const [opened, setOpened] = useState(false);
  const load = async (key: string) => {
    setLibraryProblem(null);
    try {
      setTemplates(await listTemplates(key || undefined));
      if (key) {
        storeTemplateKey(key);
        setOpened(true);
      }
    } catch (failure) {
      setLibraryProblem(errorText(failure));
      storeTemplateKey('');
      setTemplates(await listTemplates().catch(() => []));
    }
  };
  useEffect(() => {
    void load(storedTemplateKey());
    // The list is read once; the library again when a key is entered.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const ordered = [...templates.filter((entry) => entry.language === language), ...templates.filter((entry) => entry.language !== language)];
  const chooseFile = async (file: File | undefined) => {
    setFileProblem(null);
    setFileName(null);
    if (!file) {
      onChange({ kind: 'empty' });
      return;
    }
    const read = await readTemplateFile(file);
    if (!read.ok) {
      setFileProblem(read.problem);
      onChange({ kind: 'empty' });
      return;
    }
    setFileName(read.template.name);
    onChange({ kind: 'file', template: read.template });
  };
  const message = fileProblem ? t(`templates.fileProblems.${fileProblem}`) : error;

  return (
    <fieldset className="field template-picker">
      <legend>{t('templates.startFrom')}</legend>
      <label className="radio">
        <input type="radio" name="templateChoice" checked={choice.kind === 'empty'} onChange={() => onChange({ kind: 'empty' })} />
        <span>{t('templates.empty')}</span>
      </label>
      {ordered.map((entry) => (
        <label key={entry.id} className="radio">
          <input
            type="radio"
            name="templateChoice"
            value={entry.id}
            checked={choice.kind === 'builtIn' && choice.id === entry.id}
            onChange={() => onChange({ kind: 'builtIn', id: entry.id, ...(entry.builtIn ? {} : { key: libraryKey }) })}
          />
          <span>
            <span lang={entry.language}>{entry.name}</span>{' '}
            {entry.builtIn ? null : <span className="badge">{t('templates.library')}</span>}{' '}
            <span className="muted">
              {t('templates.summary', { minutes: entry.plannedMinutes, blocks: entry.blocks, polls: entry.polls, rounds: entry.rounds })}
            </span>
          </span>
        </label>
      ))}
      <details className="template-library" open={opened || undefined}>
        <summary>{t('templates.libraryOpen')}</summary>
        <div className="inline-form">
          <div className="field">
            <label htmlFor={keyId}>{t('templates.libraryKey')}</label>
            <input
              id={keyId}
              type="password"
              autoComplete="off"
              value={libraryKey}
              maxLength={256}
              aria-invalid={libraryProblem ? true : undefined}
              aria-describedby={libraryProblem ? `${keyId}-problem` : undefined}
              onChange={(event) => setLibraryKey(event.currentTarget.value)}
            />
          </div>
          <button type="button" onClick={() => void load(libraryKey.trim())} disabled={!libraryKey.trim()}>
            {t('templates.libraryShow')}
          </button>
        </div>
        {libraryProblem ? (
          <p id={`${keyId}-problem`} className="field-error" role="alert">
            {libraryProblem}
          </p>
        ) : null}
      </details>
      <div className="field">
        <label htmlFor={fileId}>{t('templates.file')}</label>
        <input
          id={fileId}
          name="templateFile"
          type="file"
          accept=".json,application/json"
          aria-describedby={message ? problemId : undefined}
          aria-invalid={message ? true : undefined}
          onChange={(event) => void chooseFile(event.currentTarget.files?.[0])}
        />
        {choice.kind === 'file' && fileName ? <p className="hint">{t('templates.fileChosen', { name: fileName })}</p> : null}
        {message ? (
          <p id={problemId} className="field-error" role="alert">
            {message}
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}
