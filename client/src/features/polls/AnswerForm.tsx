import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '@werkraum/shared/limits';
import type { PollAnswer, PollView } from '@werkraum/shared/protocol';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { useErrorText } from '../../ui/errors.js';
import { loadBallot, saveBallot } from './ballots.js';
import { useOptionLabel } from './PollResultsView.js';
import { FormError } from '../../ui/FormError.js';

/** Answering an open poll, in the form its type needs; the answer can be changed if the poll allows. */
export function AnswerForm({ view }: { view: PollView }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const { poll } = view;
  const label = useOptionLabel(poll);
  const personId = useAppStore((state) => state.session?.personId ?? '');
  const ballot = poll.anonymous ? loadBallot(poll.id, personId) : null;
  const previous = view.myAnswer ?? null;
  const [submitted, setSubmitted] = useState(false);
  const answered = view.answered || submitted;
  const [editing, setEditing] = useState(!view.answered);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    let answer: PollAnswer;
    if (poll.type === 'text') answer = { text: String(form.get('text') ?? '').trim() };
    else if (poll.type === 'scale') answer = { value: Number(form.get('value')) };
    else answer = { optionIds: form.getAll('option').map(String) };
    if (('optionIds' in answer && answer.optionIds.length === 0) || ('text' in answer && !answer.text) || ('value' in answer && Number.isNaN(answer.value))) {
      setError(t('errors.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await request(workshopSession.socket(), 'poll:answer', {
        pollId: poll.id,
        answer,
        ...(ballot ? { ballotToken: ballot.ballotToken } : {}),
      });
      if (result.ballotToken) saveBallot(view, personId, result.ballotToken);
      setSubmitted(true);
      setEditing(false);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  if (answered && !editing) {
    return (
      <div>
        <p role="status" className="poll-thanks">
          {t('polls.thanks')}
        </p>
        {poll.allowChange && (!poll.anonymous || ballot) ? (
          <button type="button" onClick={() => setEditing(true)}>
            {t('polls.change')}
          </button>
        ) : null}
      </div>
    );
  }

  const chosen = new Set(previous && 'optionIds' in previous ? previous.optionIds : []);
  const legend = <legend className="visually-hidden">{t('polls.yourAnswer')}</legend>;
  let fields;
  if (poll.type === 'text') {
    fields = (
      <div className="field">
        <label htmlFor={`${id}-text`}>{t('polls.textAnswer')}</label>
        <input id={`${id}-text`} name="text" maxLength={LIMITS.pollTextAnswerMax} defaultValue={previous && 'text' in previous ? previous.text : ''} />
      </div>
    );
  } else if (poll.type === 'scale' && poll.scale) {
    const values = Array.from({ length: poll.scale.max - poll.scale.min + 1 }, (_, index) => poll.scale!.min + index);
    fields = (
      <fieldset className="scale-options">
        {legend}
        {values.map((value) => (
          <label key={value} className="scale-option">
            <input type="radio" name="value" value={value} defaultChecked={previous !== null && 'value' in previous && previous.value === value} />
            <span>{label(String(value))}</span>
          </label>
        ))}
      </fieldset>
    );
  } else {
    const multiple = poll.type === 'multiple';
    fields = (
      <fieldset>
        {legend}
        {multiple && poll.maxChoices ? <p className="hint">{t('polls.chooseUpTo', { count: poll.maxChoices })}</p> : null}
        {poll.options.map((option) => (
          <label key={option.id} className="radio radio-block">
            <input type={multiple ? 'checkbox' : 'radio'} name="option" value={option.id} defaultChecked={chosen.has(option.id)} />
            {label(option.id)}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="answer-form">
      {fields}
      <FormError message={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('polls.submit')}
      </button>
    </form>
  );
}
