import type { StateCreator } from 'zustand';
import type { PersonView } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** Everyone in the current workshop, in the order they joined. */
export interface PeopleSlice {
  peopleById: Record<string, PersonView>;
  peopleOrder: string[];
  replacePeople(people: PersonView[]): void;
  /** Adds or replaces people (one announcement may carry several). */
  upsertPeople(people: PersonView[]): void;
  removePerson(personId: string): void;
}

/** Creates the people slice of the app store. */
export const createPeopleSlice: StateCreator<AppState, [], [], PeopleSlice> = (set) => ({
  peopleById: {},
  peopleOrder: [],
  replacePeople: (people) =>
    set({
      peopleById: Object.fromEntries(people.map((person) => [person.id, person])),
      peopleOrder: people.map((person) => person.id),
    }),
  upsertPeople: (people) =>
    set((state) => {
      const peopleById = { ...state.peopleById };
      const added: string[] = [];
      for (const person of people) {
        if (!peopleById[person.id]) added.push(person.id);
        peopleById[person.id] = person;
      }
      return { peopleById, peopleOrder: added.length > 0 ? [...state.peopleOrder, ...added] : state.peopleOrder };
    }),
  removePerson: (personId) =>
    set((state) => {
      if (!state.peopleById[personId]) return {};
      const { [personId]: _removed, ...rest } = state.peopleById;
      return { peopleById: rest, peopleOrder: state.peopleOrder.filter((id) => id !== personId) };
    }),
});

const ROLE_ORDER = { moderator: 0, coModerator: 1, participant: 2 } as const;

/** People sorted for display: moderation first, then by name. */
export function sortPeople(people: PersonView[], locale: string): PersonView[] {
  return [...people].sort(
    (a, b) =>
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.displayName.localeCompare(b.displayName, locale, { sensitivity: 'base' }),
  );
}
