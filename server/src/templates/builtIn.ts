import {
  TEMPLATE_FORMAT_VERSION,
  TEMPLATE_KIND,
  workshopTemplate,
  type WorkshopTemplate,
  type WorkshopTemplateInput,
} from '@werkraum/shared/protocol';

const head = { kind: TEMPLATE_KIND, formatVersion: TEMPLATE_FORMAT_VERSION } as const;

/** A two-hour exchange meeting: short survey, practice input, two breakout rounds, closing round. */
const exchangeMeetingDe: WorkshopTemplateInput = {
  ...head,
  name: 'Austauschtreffen (2 Stunden)',
  language: 'de',
  description:
    'Austauschtreffen für Fachleute aus verschiedenen Kommunen: kurze Umfrage, Input aus der Praxis, zwei Breakout-Runden und eine Abschlussrunde mit den wichtigsten Erkenntnissen.',
  agenda: {
    blocks: [
      { key: 'arrival', title: 'Ankommen', type: 'arrival', plannedMinutes: 5, description: 'Technik prüfen, Namen eintragen.' },
      {
        key: 'welcome',
        title: 'Begrüßung, Vorstellung des Formats, Rückblick auf das letzte Treffen, Vorstellung des Themas',
        type: 'review',
        description: 'Auf dem Bildschirm: die Ergebnisse des letzten Treffens.',
        plannedMinutes: 5,
      },
      { key: 'survey', title: 'Kurze Umfrage', type: 'poll', plannedMinutes: 5 },
      { key: 'input', title: 'Input: Thema des Treffens', type: 'input', plannedMinutes: 5 },
      { key: 'practice', title: 'Praxisinput', type: 'input', plannedMinutes: 15, description: 'Zwei Beispiele aus der Praxis.' },
      { key: 'questions', title: 'Fragen und Austausch zum Praxisbeispiel', type: 'discussion', plannedMinutes: 10 },
      { key: 'round1', title: 'Breakout-Session Runde 1: Bestehende Netzwerke und informelle Vernetzung', type: 'breakout', plannedMinutes: 20 },
      { key: 'sort1', title: 'Einordnen der Ergebnisse aus Breakout-Session Runde 1', type: 'discussion', plannedMinutes: 5 },
      { key: 'round2', title: 'Breakout-Session Runde 2: Weiterentwicklung und Herausforderungen', type: 'breakout', plannedMinutes: 25 },
      { key: 'closing', title: 'Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts', type: 'closing', plannedMinutes: 20 },
      { key: 'goodbye', title: 'Abschluss und Verabschiedung', type: 'closing', plannedMinutes: 5 },
    ],
  },
  polls: [
    {
      blockKey: 'survey',
      question: 'Wie sind Sie in Ihrer Kommune vernetzt?',
      type: 'single',
      options: [{ label: 'In einem festen Netzwerk' }, { label: 'Informell, von Fall zu Fall' }, { label: 'Noch kaum' }],
    },
    { blockKey: 'survey', question: 'Was möchten Sie heute mitnehmen?', type: 'text' },
  ],
  rounds: [
    {
      blockKey: 'round1',
      assignmentMode: 'selfSelect',
      rooms: [
        { name: 'Netzwerke in der Verwaltung', task: 'Welche Netzwerke gibt es bei Ihnen, und wie sind sie entstanden?' },
        { name: 'Netzwerke in der Stadtgesellschaft', task: 'Wer sind Ihre Partner:innen außerhalb der Verwaltung?' },
        { name: 'Informelle Vernetzung', task: 'Was trägt ohne feste Struktur?' },
      ],
      notesTemplate: 'Was wir kennen\nWas gut funktioniert\nOffene Fragen',
    },
    {
      blockKey: 'round2',
      assignmentMode: 'random',
      rooms: [
        { name: 'Raum 1', task: 'Herausforderungen und wie man ihnen begegnet' },
        { name: 'Raum 2', task: 'Herausforderungen und wie man ihnen begegnet' },
        { name: 'Raum 3', task: 'Herausforderungen und wie man ihnen begegnet' },
      ],
      notesTemplate: 'Herausforderungen\nLösungsideen\nFür die Abschlussrunde',
    },
  ],
};

const exchangeMeetingEn: WorkshopTemplateInput = {
  ...head,
  name: 'Exchange meeting (2 hours)',
  language: 'en',
  description:
    'An exchange meeting for practitioners from different towns: a short survey, practice input, two breakout rounds and a closing round with the main findings.',
  agenda: {
    blocks: [
      { key: 'arrival', title: 'Arrival', type: 'arrival', plannedMinutes: 5, description: 'Check sound and video, enter your name.' },
      {
        key: 'welcome',
        title: 'Welcome, the format, review of the last meeting, today’s topic',
        type: 'review',
        plannedMinutes: 5,
        description: 'On screen: the results of the last meeting.',
      },
      { key: 'survey', title: 'Short survey', type: 'poll', plannedMinutes: 5 },
      { key: 'input', title: 'Input: the topic of the meeting', type: 'input', plannedMinutes: 5 },
      { key: 'practice', title: 'Input from practice', type: 'input', plannedMinutes: 15, description: 'Two examples from practice.' },
      { key: 'questions', title: 'Questions and discussion on the examples', type: 'discussion', plannedMinutes: 10 },
      { key: 'round1', title: 'Breakout round 1: existing networks and informal ties', type: 'breakout', plannedMinutes: 20 },
      { key: 'sort1', title: 'Sorting the results of round 1', type: 'discussion', plannedMinutes: 5 },
      { key: 'round2', title: 'Breakout round 2: developing networks and their challenges', type: 'breakout', plannedMinutes: 25 },
      { key: 'closing', title: 'Closing round: the main findings from the breakouts', type: 'closing', plannedMinutes: 20 },
      { key: 'goodbye', title: 'Wrap-up and goodbye', type: 'closing', plannedMinutes: 5 },
    ],
  },
  polls: [
    {
      blockKey: 'survey',
      question: 'How connected are you in your town?',
      type: 'single',
      options: [{ label: 'In an established network' }, { label: 'Informally, case by case' }, { label: 'Hardly yet' }],
    },
    { blockKey: 'survey', question: 'What would you like to take home today?', type: 'text' },
  ],
  rounds: [
    {
      blockKey: 'round1',
      assignmentMode: 'selfSelect',
      rooms: [
        { name: 'Networks inside the administration', task: 'Which networks do you have, and how did they start?' },
        { name: 'Networks in civil society', task: 'Who are your partners outside the administration?' },
        { name: 'Informal ties', task: 'What works without a fixed structure?' },
      ],
      notesTemplate: 'What we know\nWhat works well\nOpen questions',
    },
    {
      blockKey: 'round2',
      assignmentMode: 'random',
      rooms: [
        { name: 'Room 1', task: 'Challenges and how to meet them' },
        { name: 'Room 2', task: 'Challenges and how to meet them' },
        { name: 'Room 3', task: 'Challenges and how to meet them' },
      ],
      notesTemplate: 'Challenges\nIdeas\nFor the closing round',
    },
  ],
};

/** A 90-minute workshop: an expert's input, a poll, discussion in small groups, results in the plenary. */
const inputDiscussionDe: WorkshopTemplateInput = {
  ...head,
  name: 'Input und Diskussion (90 Minuten)',
  language: 'de',
  description: 'Online-Workshop mit einem Impuls, einem Stimmungsbild, Diskussion der Leitfragen in Kleingruppen und einem Ausblick.',
  agenda: {
    blocks: [
      { key: 'arrival', title: 'Ankommen und Technik-Check', type: 'arrival', plannedMinutes: 10 },
      { key: 'welcome', title: 'Begrüßung und Einführung in das Thema', type: 'input', plannedMinutes: 10 },
      { key: 'talk', title: 'Impuls der Expertin oder des Experten', type: 'input', plannedMinutes: 20 },
      { key: 'mood', title: 'Stimmungsbild', type: 'poll', plannedMinutes: 5 },
      { key: 'groups', title: 'Diskussion der Leitfragen in Kleingruppen', type: 'breakout', plannedMinutes: 20 },
      { key: 'results', title: 'Ergebnisse im Plenum', type: 'discussion', plannedMinutes: 15 },
      { key: 'outlook', title: 'Ausblick und Verabschiedung', type: 'closing', plannedMinutes: 10 },
    ],
  },
  polls: [
    {
      blockKey: 'mood',
      question: 'Wie weit ist Ihre Organisation beim Thema?',
      type: 'scale',
      scale: { min: 1, max: 5, minLabel: 'ganz am Anfang', maxLabel: 'sehr weit' },
    },
  ],
  rounds: [
    {
      blockKey: 'groups',
      assignmentMode: 'random',
      rooms: [
        { name: 'Leitfrage 1', task: 'Wie gelingt der Brückenschlag von analogen Inhalten zu digitalen Formaten?' },
        { name: 'Leitfrage 2', task: 'Welche Kanäle passen zu welchen Inhalten?' },
        { name: 'Leitfrage 3', task: 'Was können wir von anderen lernen?' },
      ],
      notesTemplate: 'Ideen\nWas wir weiterverfolgen',
    },
  ],
};

const inputDiscussionEn: WorkshopTemplateInput = {
  ...head,
  name: 'Input and discussion (90 minutes)',
  language: 'en',
  description: 'An online workshop with an input talk, a quick poll, discussion of the guiding questions in small groups and an outlook.',
  agenda: {
    blocks: [
      { key: 'arrival', title: 'Arrival and technical check', type: 'arrival', plannedMinutes: 10 },
      { key: 'welcome', title: 'Welcome and introduction to the topic', type: 'input', plannedMinutes: 10 },
      { key: 'talk', title: 'Input by the expert', type: 'input', plannedMinutes: 20 },
      { key: 'mood', title: 'Quick poll', type: 'poll', plannedMinutes: 5 },
      { key: 'groups', title: 'Guiding questions in small groups', type: 'breakout', plannedMinutes: 20 },
      { key: 'results', title: 'Results in the plenary', type: 'discussion', plannedMinutes: 15 },
      { key: 'outlook', title: 'Outlook and goodbye', type: 'closing', plannedMinutes: 10 },
    ],
  },
  polls: [
    {
      blockKey: 'mood',
      question: 'How far along is your organisation with the topic?',
      type: 'scale',
      scale: { min: 1, max: 5, minLabel: 'just starting', maxLabel: 'far along' },
    },
  ],
  rounds: [
    {
      blockKey: 'groups',
      assignmentMode: 'random',
      rooms: [
        { name: 'Question 1', task: 'How do we turn what we do in person into digital formats?' },
        { name: 'Question 2', task: 'Which channels suit which content?' },
        { name: 'Question 3', task: 'What can we learn from others?' },
      ],
      notesTemplate: 'Ideas\nWhat we follow up',
    },
  ],
};

/** The templates every installation has, by id; checked against the format when the module loads. */
export const BUILT_IN_TEMPLATES: ReadonlyMap<string, WorkshopTemplate> = new Map(
  Object.entries({
    'exchange-meeting-de': exchangeMeetingDe,
    'exchange-meeting-en': exchangeMeetingEn,
    'input-discussion-de': inputDiscussionDe,
    'input-discussion-en': inputDiscussionEn,
  }).map(([id, template]) => [id, workshopTemplate.parse(template)]),
);
