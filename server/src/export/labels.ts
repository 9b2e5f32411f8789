import type { AgendaBlockType } from '@werkraum/shared/agendaBlockTypes';
import type { Language } from '@werkraum/shared/roles';

/** The documentation's own words, in the document's language (chosen per export, not the UI's). */
export interface DocumentationLabels {
  documentation: string;
  date: string;
  format: string;
  online: string;
  moderation: string;
  coModeration: string;
  compiledBy: string;
  description: string;
  summary: string;
  agenda: string;
  planned: string;
  actual: string;
  plannedStart: string;
  plannedEnd: string;
  actualStart: string;
  actualEnd: string;
  block: string;
  type: string;
  changes: string;
  plannedEndOfWorkshop: string;
  actualEndOfWorkshop: string;
  skipped: string;
  notRun: string;
  extendedBy: (minutes: number) => string;
  shortenedBy: (minutes: number) => string;
  pausedFor: (minutes: number) => string;
  restarted: string;
  polls: string;
  question: string;
  participation: (count: number) => string;
  option: string;
  votes: string;
  share: string;
  mean: string;
  answers: string;
  anonymous: string;
  noAnswers: string;
  breakouts: string;
  round: string;
  time: string;
  task: string;
  room: string;
  host: string;
  members: string;
  othersNotListed: (count: number) => string;
  notes: string;
  board: string;
  boardImage: (room: string) => string;
  findings: string;
  /** The plenary's own notes and board. */
  plenary: string;
  /** "Wie geht es weiter": what happens after the workshop. */
  nextSteps: string;
  attachments: string;
  name: string;
  size: string;
  participants: string;
  organisation: string;
  unclustered: string;
  untitled: string;
  dots: (count: number) => string;
  /** Every kind of agenda block has its word (the type makes a new kind fail to compile without one). */
  blockTypes: Record<AgendaBlockType, string>;
  yesNo: Record<string, string>;
  /** A series documented as a whole: the title block's list of dates and each date's heading. */
  series: string;
  seriesDates: (count: number) => string;
  dates: string;
  datePart: (index: number, date: string) => string;
  upcoming: string;
}

const de: DocumentationLabels = {
  documentation: 'Dokumentation',
  date: 'Datum',
  format: 'Format',
  online: 'online',
  moderation: 'Moderation',
  coModeration: 'Co-Moderation',
  compiledBy: 'Erstellt von',
  description: 'Beschreibung',
  summary: 'Zusammenfassung',
  agenda: 'Ablauf',
  planned: 'Geplant',
  actual: 'Tatsächlich',
  plannedStart: 'Beginn geplant',
  plannedEnd: 'Ende geplant',
  actualStart: 'Beginn tatsächlich',
  actualEnd: 'Ende tatsächlich',
  block: 'Programmpunkt',
  type: 'Art',
  changes: 'Änderungen',
  plannedEndOfWorkshop: 'Geplantes Ende',
  actualEndOfWorkshop: 'Tatsächliches Ende',
  skipped: 'übersprungen',
  notRun: 'nicht durchgeführt',
  extendedBy: (m) => `um ${m} Min. verlängert`,
  shortenedBy: (m) => `um ${m} Min. gekürzt`,
  pausedFor: (m) => `${m} Min. pausiert`,
  restarted: 'erneut gestartet',
  polls: 'Umfrageergebnisse',
  question: 'Frage',
  participation: (n) => (n === 1 ? '1 Person hat teilgenommen' : `${n} Personen haben teilgenommen`),
  option: 'Antwort',
  votes: 'Stimmen',
  share: 'Anteil',
  mean: 'Mittelwert',
  answers: 'Antworten',
  anonymous: 'anonym',
  noAnswers: 'Keine Antworten.',
  breakouts: 'Kleingruppen',
  round: 'Runde',
  time: 'Zeit',
  task: 'Aufgabe',
  room: 'Raum',
  host: 'Gastgeber*in',
  members: 'Mitglieder',
  othersNotListed: (n) => (n === 1 ? '1 weitere Person (nicht namentlich genannt)' : `${n} weitere Personen (nicht namentlich genannt)`),
  notes: 'Notizen',
  board: 'Pinnwand',
  boardImage: (room) => `Pinnwand von ${room}`,
  findings: 'Ergebnisse',
  plenary: 'Plenum',
  nextSteps: 'Wie geht es weiter',
  attachments: 'Anlagen',
  name: 'Name',
  size: 'Größe',
  participants: 'Teilnehmendenliste',
  organisation: 'Organisation',
  unclustered: 'Ohne Gruppe',
  untitled: 'Ohne Titel',
  dots: (n) => (n === 1 ? '1 Punkt' : `${n} Punkte`),
  blockTypes: {
    arrival: 'Ankommen',
    input: 'Input',
    discussion: 'Diskussion',
    poll: 'Umfrage',
    breakout: 'Kleingruppen',
    break: 'Pause',
    closing: 'Abschluss',
    review: 'Rückblick',
    other: 'Sonstiges',
  },
  yesNo: { yes: 'Ja', no: 'Nein', abstain: 'Enthaltung' },
  series: 'Reihe',
  seriesDates: (n) => (n === 1 ? '1 Termin' : `${n} Termine`),
  dates: 'Termine',
  datePart: (index, date) => (date ? `Termin ${index}: ${date}` : `Termin ${index}`),
  upcoming: 'geplant',
};

const en: DocumentationLabels = {
  documentation: 'Documentation',
  date: 'Date',
  format: 'Format',
  online: 'online',
  moderation: 'Moderation',
  coModeration: 'Co-moderation',
  compiledBy: 'Compiled by',
  description: 'Description',
  summary: 'Summary',
  agenda: 'Agenda',
  planned: 'Planned',
  actual: 'Actual',
  plannedStart: 'Planned start',
  plannedEnd: 'Planned end',
  actualStart: 'Actual start',
  actualEnd: 'Actual end',
  block: 'Item',
  type: 'Type',
  changes: 'Changes',
  plannedEndOfWorkshop: 'Planned end',
  actualEndOfWorkshop: 'Actual end',
  skipped: 'skipped',
  notRun: 'not run',
  extendedBy: (m) => `extended by ${m} min`,
  shortenedBy: (m) => `shortened by ${m} min`,
  pausedFor: (m) => `paused ${m} min`,
  restarted: 'started again',
  polls: 'Poll results',
  question: 'Question',
  participation: (n) => (n === 1 ? '1 person took part' : `${n} people took part`),
  option: 'Answer',
  votes: 'Votes',
  share: 'Share',
  mean: 'Mean',
  answers: 'Answers',
  anonymous: 'anonymous',
  noAnswers: 'No answers.',
  breakouts: 'Breakout rounds',
  round: 'Round',
  time: 'Time',
  task: 'Task',
  room: 'Room',
  host: 'Host',
  members: 'Members',
  othersNotListed: (n) => (n === 1 ? '1 more person (not named)' : `${n} more people (not named)`),
  notes: 'Notes',
  board: 'Board',
  boardImage: (room) => `Board of ${room}`,
  findings: 'Findings',
  plenary: 'Plenary',
  nextSteps: 'Next steps',
  attachments: 'Attachments',
  name: 'Name',
  size: 'Size',
  participants: 'Participants',
  organisation: 'Organisation',
  unclustered: 'Unclustered',
  untitled: 'Untitled',
  dots: (n) => (n === 1 ? '1 dot' : `${n} dots`),
  blockTypes: {
    arrival: 'Arrival',
    input: 'Input',
    discussion: 'Discussion',
    poll: 'Poll',
    breakout: 'Breakout',
    break: 'Break',
    closing: 'Closing',
    review: 'Review',
    other: 'Other',
  },
  yesNo: { yes: 'Yes', no: 'No', abstain: 'Abstain' },
  series: 'Series',
  seriesDates: (n) => (n === 1 ? '1 date' : `${n} dates`),
  dates: 'Dates',
  datePart: (index, date) => (date ? `Date ${index}: ${date}` : `Date ${index}`),
  upcoming: 'planned',
};

/** The labels of a document language. */
export function labelsFor(language: Language): DocumentationLabels {
  return language === 'de' ? de : en;
}
