import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '@werkraum/shared/limits';
import { POLL_TYPES, RESULTS_VISIBILITY, type PollType, type ResultsVisibility } from '@werkraum/shared/choices';
import type { Poll } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { useAgendaAction } from '../agenda/useAgenda.js';
import { FormError } from '../../ui/FormError.js';

/** Creates or edits a poll (before it opens): question, kind, options or scale, anonymity, visibility, block. */
export function PollForm({ poll, onClose }: { poll: Poll | null; onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const blocks = useAppStore((state) => state.agenda?.blocks);
  const [type, setType] = useState<PollType>(poll?.type ?? 'single');
  const [options, setOptions] = useState<{ id?: string; label: string }[]>(
    poll && poll.type !== 'yesNo' && poll.options.length > 0 ? poll.options : [{ label: '' }, { label: '' }],
  );
  const [visibility, setVisibility] = useState<ResultsVisibility>(poll?.resultsVisibility ?? 'live');
  const { send, error } = useAgendaAction();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const definition = {
      blockId: text('blockId') || null,
      question: text('question'),
      type,
      options: type === 'single' || type === 'multiple' ? options.filter((option) => option.label.trim()).map((option) => ({ ...option, label: option.label.trim() })) : [],
      maxChoices: type === 'multiple' && text('maxChoices') ? Number(text('maxChoices')) : null,
      scale:
        type === 'scale'
          ? { min: Number(text('scaleMin') || 1), max: Number(text('scaleMax') || 5), minLabel: text('minLabel'), maxLabel: text('maxLabel') }
          : null,
      anonymous: form.get('anonymous') === 'on',
      resultsVisibility: visibility,
      allowChange: form.get('allowChange') === 'on',
    };
    const ok = poll ? await send('poll:update', { pollId: poll.id, poll: definition }) : await send('poll:create', definition);
    if (ok) onClose();
  };

  return (
    <Dialog open title={poll ? t('polls.editPoll') : t('polls.newPoll')} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} noValidate className="poll-form">
        <div className="field">
          <label htmlFor={`${id}-question`}>{t('polls.question')}</label>
          <input id={`${id}-question`} name="question" required maxLength={LIMITS.pollQuestionMax} defaultValue={poll?.question ?? ''} autoFocus />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('polls.type')}</label>
          <select id={`${id}-type`} value={type} onChange={(event) => setType(event.currentTarget.value as PollType)}>
            {POLL_TYPES.map((option) => (
              <option key={option} value={option}>
                {t(`polls.types.${option}`)}
              </option>
            ))}
          </select>
        </div>
        {type === 'single' || type === 'multiple' ? (
          <fieldset className="field">
            <legend>{t('polls.options')}</legend>
            {options.map((option, index) => (
              <div key={index} className="inline-form">
                <div className="field">
                  <label htmlFor={`${id}-option-${index}`}>{t('polls.option', { number: index + 1 })}</label>
                  <input
                    id={`${id}-option-${index}`}
                    value={option.label}
                    maxLength={LIMITS.pollOptionMax}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      setOptions((current) => current.map((entry, position) => (position === index ? { ...entry, label: value } : entry)));
                    }}
                  />
                </div>
                {options.length > 2 ? (
                  <button type="button" onClick={() => setOptions((current) => current.filter((_, position) => position !== index))}>
                    {t('polls.removeOption', { number: index + 1 })}
                  </button>
                ) : null}
              </div>
            ))}
            {options.length < LIMITS.pollOptionsMax ? (
              <button type="button" onClick={() => setOptions((current) => [...current, { label: '' }])}>
                {t('polls.addOption')}
              </button>
            ) : null}
          </fieldset>
        ) : null}
        {type === 'multiple' ? (
          <div className="field">
            <label htmlFor={`${id}-max`}>{t('polls.maxChoices')}</label>
            <input id={`${id}-max`} name="maxChoices" type="number" min={1} max={LIMITS.pollOptionsMax} defaultValue={poll?.maxChoices ?? ''} />
          </div>
        ) : null}
        {type === 'scale' ? (
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-min`}>{t('polls.scaleMin')}</label>
              <input id={`${id}-min`} name="scaleMin" type="number" min={0} max={1} defaultValue={poll?.scale?.min ?? 1} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-smax`}>{t('polls.scaleMax')}</label>
              <input id={`${id}-smax`} name="scaleMax" type="number" min={2} max={10} defaultValue={poll?.scale?.max ?? 5} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-minlabel`}>{t('polls.minLabel')}</label>
              <input id={`${id}-minlabel`} name="minLabel" maxLength={LIMITS.pollOptionMax} defaultValue={poll?.scale?.minLabel ?? ''} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-maxlabel`}>{t('polls.maxLabel')}</label>
              <input id={`${id}-maxlabel`} name="maxLabel" maxLength={LIMITS.pollOptionMax} defaultValue={poll?.scale?.maxLabel ?? ''} />
            </div>
          </div>
        ) : null}
        <div className="field field-checkbox">
          <input id={`${id}-anon`} name="anonymous" type="checkbox" defaultChecked={poll?.anonymous ?? true} />
          <label htmlFor={`${id}-anon`}>{t('polls.anonymous')}</label>
        </div>
        <div className="field field-checkbox">
          <input id={`${id}-change`} name="allowChange" type="checkbox" defaultChecked={poll?.allowChange ?? true} />
          <label htmlFor={`${id}-change`}>{t('polls.allowChange')}</label>
        </div>
        <fieldset className="field">
          <legend>{t('polls.visibility')}</legend>
          {RESULTS_VISIBILITY.map((option) => (
            <label key={option} className="radio radio-block">
              <input type="radio" name="visibility" checked={visibility === option} onChange={() => setVisibility(option)} />
              {t(`polls.visibilities.${option}`)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-block`}>{t('polls.block')}</label>
          <select id={`${id}-block`} name="blockId" defaultValue={poll?.blockId ?? ''}>
            <option value="">{t('polls.noBlock')}</option>
            {(blocks ?? []).map((block) => (
              <option key={block.id} value={block.id}>
                {block.title}
              </option>
            ))}
          </select>
        </div>
        <FormError message={error} />
        <div className="button-row">
          <button type="submit" className="primary">
            {t('polls.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('polls.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
