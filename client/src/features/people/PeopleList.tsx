import { useShallow } from 'zustand/react/shallow';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import { PersonActions } from './PersonActions.js';
import { sortPeople } from './peopleSlice.js';
import { InCallBadge } from '../media/InCallBadge.js';

/** Everyone in the workshop with role and connection state; moderators get actions per person. */
export function PeopleList() {
  const { t, i18n } = useTranslation();
  const people = useAppStore(useShallow((state) => state.peopleOrder.map((id) => state.peopleById[id]!)));
  const session = useAppStore((state) => state.session);
  const sorted = sortPeople(people, i18n.language);
  const isModerator = session?.role === 'moderator';
  return (
    <section className="card" aria-labelledby="people-heading">
      <h2 id="people-heading">{t('workshop.people', { count: people.length })}</h2>
      <ul className="people-list">
        {sorted.map((person) => (
          <li key={person.id} className="person" data-person-id={person.id} data-connection={person.connection}>
            <span className={`presence-dot presence-${person.connection}`} aria-hidden="true" />
            <span className="person-text">
              <span className="person-name">
                {person.displayName}
                {person.id === session?.personId ? ` (${t('workshop.you')})` : ''}
              </span>
              <span className="person-meta">
                <span className="person-role">{t(`roles.${person.role}`)}</span>
                {' · '}
                <span className="person-connection">{t(`presence.${person.connection}`)}</span>
                <InCallBadge personId={person.id} />
              </span>
            </span>
            {isModerator && person.id !== session?.personId ? <PersonActions person={person} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
