import type { WarningThreshold } from '@werkraum/shared/agendaClock';
import type {
  AgendaBlockView,
  AgendaRun,
  ArchivedPoll,
  BreakoutRound,
  DocumentationSection,
  FindingSource,
  MediaPermissions,
  Poll,
  PollAnswer,
  SeriesDate,
  SpeakingState,
  WorkshopInfo,
} from '@werkraum/shared/protocol';
import type { Role } from '@werkraum/shared/roles';
import type { CollabStore } from '../collab/store.js';

/** A workshop as stored: its public facts, and its secrets only as hashes. */
export interface WorkshopRecord extends WorkshopInfo {
  createdAt: string;
  /** SHA-256 (hex) of each role's link secret; the same secret is the role's API key. */
  linkSecretHashes: Record<Role, string>;
}

/** A person as stored. */
export interface PersonRecord {
  id: string;
  workshopId: string;
  displayName: string;
  role: Role;
  listInDocumentation: boolean;
  /** The organisation the person gave ("Stadt Rheine"); empty or absent when none. */
  organisation?: string;
  /** SHA-256 (hex) of the token that lets this person's browser come back. */
  tokenHash: string;
  joinedAt: string;
  /** Set when a moderator removed the person; the token is then refused. */
  removedAt: string | null;
}

/** The fields of a person that may change after joining. */
export type PersonPatch = Partial<Pick<PersonRecord, 'displayName' | 'role' | 'listInDocumentation' | 'removedAt' | 'organisation'>>;

/** An agenda block as stored: what everyone sees plus the private moderation notes. */
export interface AgendaBlockRecord extends AgendaBlockView {
  moderationNotes: string;
}

/** A workshop's agenda and its run, stored as one unit with a version for safe concurrent updates. */
export interface AgendaRecord {
  workshopId: string;
  /** Increases with every save; a save that expects an older version is refused. */
  version: number;
  blocks: AgendaBlockRecord[];
  run: AgendaRun;
  warningThresholds: WarningThreshold[];
}

/** A workshop's breakout rounds, stored as one versioned unit. */
export interface BreakoutsRecord {
  workshopId: string;
  version: number;
  rounds: BreakoutRound[];
}

/** A workshop's poll definitions and states, stored as one versioned unit. */
export interface PollsRecord {
  workshopId: string;
  version: number;
  polls: Poll[];
}

/** What the server decides about one room's board (the cards are a Yjs document). */
export interface RoomBoardRecord {
  privateWriting: boolean;
  voting: {
    status: 'none' | 'open' | 'closed';
    dotsPerPerson: number;
    target: 'cards' | 'clusters';
    revealed: boolean;
    /** personId -> the item ids of their dots (an item may appear more than once). */
    votes: Record<string, string[]>;
  };
}

/** The board states of a workshop's rooms, stored as one versioned unit. */
export interface BoardsRecord {
  workshopId: string;
  version: number;
  rooms: Record<string, RoomBoardRecord>;
}

/** A stored answer: the person for named polls, null for anonymous ones. */
export interface StoredAnswer {
  personId: string | null;
  answer: PollAnswer;
}

/**
 * Storage of workshops and people. Async so that a networked database fits behind the same
 * interface; the embedded SQLite implementation answers synchronously underneath.
 */
export interface WorkshopStore {
  insertWorkshop(workshop: WorkshopRecord): Promise<void>;
  getWorkshop(id: string): Promise<WorkshopRecord | undefined>;
  insertPerson(person: PersonRecord): Promise<void>;
  getPerson(workshopId: string, personId: string): Promise<PersonRecord | undefined>;
  findPersonByTokenHash(workshopId: string, tokenHash: string): Promise<PersonRecord | undefined>;
  /** People of a workshop in the order they joined, removed ones excluded. */
  listPeople(workshopId: string): Promise<PersonRecord[]>;
  updatePerson(workshopId: string, personId: string, patch: PersonPatch): Promise<PersonRecord | undefined>;
  /** Moves the workshop's planned start. */
  updateWorkshopStart(workshopId: string, startsAt: string): Promise<void>;
}

/** Storage of agendas. */
export interface AgendaStore {
  getAgenda(workshopId: string): Promise<AgendaRecord | undefined>;
  /**
   * Saves the agenda if the stored version is still `record.version - 1` (or none exists for
   * version 1); returns false when someone else saved in between, so the caller can retry.
   */
  saveAgenda(record: AgendaRecord): Promise<boolean>;
}

/** Everything the server stores, behind one handle that can be closed. */
/** Storage of breakout rounds (same versioned save as the agenda). */
export interface BreakoutStore {
  getBreakouts(workshopId: string): Promise<BreakoutsRecord | undefined>;
  saveBreakouts(record: BreakoutsRecord): Promise<boolean>;
}

/**
 * Storage of polls. Named answers are stored with the person; anonymous answers in two unrelated
 * tables (who voted, and the ballots), so nothing in storage links a person to an answer.
 */
export interface PollStore {
  getPolls(workshopId: string): Promise<PollsRecord | undefined>;
  savePolls(record: PollsRecord): Promise<boolean>;
  /** Saves or (when `replace`) changes a named answer; 'exists' when one exists and may not change. */
  saveNamedAnswer(pollId: string, personId: string, answer: PollAnswer, replace: boolean): Promise<'saved' | 'exists'>;
  /** Records that a voter voted and stores their ballot, in one transaction; 'exists' if the voter already voted. */
  saveAnonymousAnswer(pollId: string, voterKey: string, ballotKey: string, answer: PollAnswer): Promise<'saved' | 'exists'>;
  /** Replaces the answer of a ballot; false for an unknown ballot. */
  replaceAnonymousAnswer(pollId: string, ballotKey: string, answer: PollAnswer): Promise<boolean>;
  hasVoted(pollId: string, voterKey: string): Promise<boolean>;
  getNamedAnswer(pollId: string, personId: string): Promise<PollAnswer | undefined>;
  listAnswers(pollId: string): Promise<StoredAnswer[]>;
}

/** Storage of the rooms' board states. */
export interface BoardStore {
  getBoards(workshopId: string): Promise<BoardsRecord | undefined>;
  saveBoards(record: BoardsRecord): Promise<boolean>;
}

/** An earlier date of a series as it ended: its agenda and run, polls with results, rounds and board states. */
export interface ArchivedDate {
  agenda: AgendaRecord;
  polls: ArchivedPoll[];
  rounds: BreakoutRound[];
  boards: BoardsRecord['rooms'];
  /** The findings collected on the date (absent in dates archived before findings existed). */
  findings?: StoredFinding[];
  /** Raised hands and speaking rounds held on the date. */
  speaking?: SpeakingState | null;
}

/** One date of a workshop series as stored. */
export interface StoredSeriesDate extends SeriesDate {
  /** Set when the date is done: what it produced. */
  archive: ArchivedDate | null;
  /** Polls of this date repeated from the date before: poll id -> the earlier poll's id. */
  repeats: Record<string, string>;
}

/** The dates of a workshop, stored as one versioned unit. */
export interface SeriesRecord {
  workshopId: string;
  version: number;
  dates: StoredSeriesDate[];
}

/** Storage of a workshop's dates. */
export interface SeriesStore {
  getSeries(workshopId: string): Promise<SeriesRecord | undefined>;
  saveSeries(record: SeriesRecord): Promise<boolean>;
}

/** A template saved into the installation's library; the body is checked when it is read. */
export interface StoredTemplate {
  id: string;
  body: unknown;
  createdAt: string;
}

/** The installation's template library. */
export interface TemplateLibraryStore {
  listTemplates(): Promise<StoredTemplate[]>;
  getTemplate(id: string): Promise<StoredTemplate | undefined>;
  insertTemplate(entry: StoredTemplate): Promise<void>;
  /** False when there was no such template. */
  deleteTemplate(id: string): Promise<boolean>;
}

/** A finding as stored: who agreed (never sent out, only counted) and who proposed it. */
export interface StoredFinding {
  id: string;
  text: string;
  heading: string;
  priority: boolean;
  roundId: string | null;
  roomId: string | null;
  sources: FindingSource[];
  /** People who agreed, each once. */
  agreedBy: string[];
  /** The person who proposed or created it. */
  createdBy: string;
  createdAt: number;
}

/** What a facilitator put on everyone's screen. */
export type StoredStage = { since: number; reactions: boolean } & (
  | { kind: 'notes'; roundId: string | null; roomId: string }
  | { kind: 'board'; roundId: string | null; roomId: string }
  | { kind: 'findings'; roundId: string | null }
  | { kind: 'finding'; roundId: string | null; index: number }
);

/** A workshop's findings in their order, and the stage, stored as one versioned unit. */
export interface FindingsRecord {
  workshopId: string;
  version: number;
  findings: StoredFinding[];
  stage: StoredStage | null;
}

/** A workshop's raised hands and speaking rounds, stored as one versioned unit. */
export interface SpeakingRecord {
  workshopId: string;
  version: number;
  speaking: SpeakingState;
}

/** Storage of findings and the stage (same versioned save as the agenda). */
export interface FindingsStore {
  getFindings(workshopId: string): Promise<FindingsRecord | undefined>;
  saveFindings(record: FindingsRecord): Promise<boolean>;
}

/** Storage of the speaking order (same versioned save as the agenda). */
export interface SpeakingStore {
  getSpeaking(workshopId: string): Promise<SpeakingRecord | undefined>;
  saveSpeaking(record: SpeakingRecord): Promise<boolean>;
}

/** A workshop's audio/video settings: external meeting links (room id -> URL) and what participants may publish. */
export interface MediaSettingsRecord {
  workshopId: string;
  version: number;
  links: Record<string, string>;
  permissions: MediaPermissions;
  /** Room id -> the person put first in that room's call. */
  spotlights: Record<string, string>;
}

/** Storage of a workshop's audio/video settings. */
export interface MediaStore {
  getMediaSettings(workshopId: string): Promise<MediaSettingsRecord | undefined>;
  saveMediaSettings(record: MediaSettingsRecord): Promise<boolean>;
}

/** The documentation's settings and publication state as stored. */
export interface DocumentationSettingsRecord {
  publishedAt: string | null;
  compiledBy: string;
  /** "Wie geht es weiter": plain text, '' when not given. */
  nextSteps: string;
  excluded: DocumentationSection[];
}

/** An uploaded attachment's facts (its bytes are read separately). */
export interface AttachmentRecord {
  id: string;
  workshopId: string;
  name: string;
  size: number;
  contentType: string;
  uploadedAt: string;
}

/** Storage of the documentation's settings and its attachments. */
export interface DocumentationStore {
  getDocumentationSettings(workshopId: string): Promise<DocumentationSettingsRecord | undefined>;
  saveDocumentationSettings(workshopId: string, settings: DocumentationSettingsRecord): Promise<void>;
  /**
   * Stores an attachment unless the workshop's attachments would then exceed `workshopLimitBytes`
   * ('too_large'); the check and the insert are one transaction.
   */
  insertAttachment(record: AttachmentRecord, data: Buffer, workshopLimitBytes: number): Promise<'saved' | 'too_large'>;
  /** A workshop's attachments in upload order. */
  listAttachments(workshopId: string): Promise<AttachmentRecord[]>;
  getAttachment(workshopId: string, id: string): Promise<{ record: AttachmentRecord; data: Buffer } | undefined>;
  deleteAttachment(workshopId: string, id: string): Promise<boolean>;
}

export interface Store
  extends WorkshopStore,
    AgendaStore,
    BreakoutStore,
    PollStore,
    BoardStore,
    SeriesStore,
    TemplateLibraryStore,
    FindingsStore,
    SpeakingStore,
    MediaStore,
    DocumentationStore {
  /** The collaboration documents (notes, boards) as appended Yjs updates. */
  collab: CollabStore;
  close(): Promise<void>;
}
