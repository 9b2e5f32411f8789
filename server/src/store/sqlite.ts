import Database from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Role } from '@werkraum/shared/roles';
import type { DocumentationSection, PollAnswer } from '@werkraum/shared/protocol';
import { sqliteCollabStore } from '../collab/store.js';
import { toAttachment, toWorkshop, type AttachmentRow, type WorkshopRow } from './rows.js';
import type { AgendaRecord, BoardsRecord, BreakoutsRecord, FindingsRecord, MediaSettingsRecord, PollsRecord, PersonPatch, PersonRecord, SeriesRecord, SpeakingRecord, Store } from './types.js';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` remembers how many ran.
 * Never edit a migration that has shipped: append a new one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE workshops (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     starts_at TEXT NOT NULL,
     time_zone TEXT,
     language TEXT NOT NULL,
     description TEXT NOT NULL,
     moderator_names TEXT NOT NULL,
     co_moderator_names TEXT NOT NULL,
     created_at TEXT NOT NULL,
     moderator_secret_hash TEXT NOT NULL,
     co_moderator_secret_hash TEXT NOT NULL,
     participant_secret_hash TEXT NOT NULL
   );
   CREATE TABLE people (
     id TEXT PRIMARY KEY,
     workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
     display_name TEXT NOT NULL,
     role TEXT NOT NULL,
     list_in_documentation INTEGER NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     joined_at TEXT NOT NULL,
     removed_at TEXT,
     seq INTEGER NOT NULL
   );
   CREATE INDEX people_by_workshop ON people(workshop_id, seq);`,
  `CREATE TABLE agendas (
     workshop_id TEXT PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
     version INTEGER NOT NULL,
     blocks_json TEXT NOT NULL,
     run_json TEXT NOT NULL,
     settings_json TEXT NOT NULL
   );`,
  `CREATE TABLE workshop_documents (
     workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     version INTEGER NOT NULL,
     body_json TEXT NOT NULL,
     PRIMARY KEY (workshop_id, kind)
   );`,
  // Anonymous answers: voters and ballots in unrelated tables with random keys and no rowid or
  // timestamp; ballots are rewritten in random order with every batch of votes (see writeAnonymous).
  `CREATE TABLE poll_named_answers (
     poll_id TEXT NOT NULL,
     person_id TEXT NOT NULL,
     answer_json TEXT NOT NULL,
     PRIMARY KEY (poll_id, person_id)
   ) WITHOUT ROWID;
   CREATE TABLE poll_voters (
     poll_id TEXT NOT NULL,
     voter_key TEXT NOT NULL,
     PRIMARY KEY (poll_id, voter_key)
   ) WITHOUT ROWID;
   CREATE TABLE poll_ballots (
     poll_id TEXT NOT NULL,
     ballot_key TEXT NOT NULL,
     answer_json TEXT NOT NULL,
     PRIMARY KEY (poll_id, ballot_key)
   ) WITHOUT ROWID;`,
  // The installation's template library (TEMPLATE_KEY): workshop formats saved by facilitators.
  `CREATE TABLE workshop_templates (
     id TEXT PRIMARY KEY,
     body_json TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // The documentation: its settings and publication, uploaded attachments (bytes in the row), and
  // the organisation people may give.
  `ALTER TABLE people ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
   CREATE TABLE documentation (
     workshop_id TEXT PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
     published_at TEXT,
     compiled_by TEXT NOT NULL,
     excluded_json TEXT NOT NULL
   );
   CREATE TABLE attachments (
     id TEXT PRIMARY KEY,
     workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     content_type TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded_at TEXT NOT NULL,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL
   );
   CREATE INDEX attachments_by_workshop ON attachments(workshop_id, seq);`,
  // The documentation's "next steps" ("Wie geht es weiter"), written by the facilitators like "compiled by".
  `ALTER TABLE documentation ADD COLUMN next_steps TEXT NOT NULL DEFAULT '';`,
];


interface PersonRow {
  id: string;
  workshop_id: string;
  display_name: string;
  role: string;
  list_in_documentation: number;
  token_hash: string;
  joined_at: string;
  removed_at: string | null;
  organisation: string;
}

interface AgendaRow {
  workshop_id: string;
  version: number;
  blocks_json: string;
  run_json: string;
  settings_json: string;
}


function toPerson(row: PersonRow): PersonRecord {
  return {
    id: row.id,
    workshopId: row.workshop_id,
    displayName: row.display_name,
    role: row.role as Role,
    listInDocumentation: row.list_in_documentation === 1,
    tokenHash: row.token_hash,
    joinedAt: row.joined_at,
    removedAt: row.removed_at,
    ...(row.organisation ? { organisation: row.organisation } : {}),
  };
}



/** How long an anonymous answer waits for others to be written with it (see queueAnonymous). */
const ANONYMOUS_BATCH_MS = 20;

/** Opens (and migrates) the SQLite database at `file`; ':memory:' gives a throwaway one. */
export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // SQLite's default page cache is 2 MB. Collaboration updates stream through the file all the time
  // and push the small, hot rows (people, agendas, breakout rounds) out of it, so every read of those
  // went back to the file, a system call per page (thousands per second with 3,000 people).
  // 64 MB of cache and reads through a memory map keep them in memory.
  db.pragma('cache_size = -65536');
  if (file !== ':memory:') db.pragma('mmap_size = 268435456');
  // Deleted content is overwritten, not left in free pages (anonymous ballots are rewritten with every batch of votes).
  db.pragma('secure_delete = ON');
  migrate(db);

  const statements = {
    listTemplates: db.prepare<[], { id: string; body_json: string; created_at: string }>(
      'SELECT id, body_json, created_at FROM workshop_templates ORDER BY created_at, id',
    ),
    getTemplate: db.prepare<[string], { id: string; body_json: string; created_at: string }>(
      'SELECT id, body_json, created_at FROM workshop_templates WHERE id = ?',
    ),
    insertTemplate: db.prepare<[string, string, string]>('INSERT INTO workshop_templates (id, body_json, created_at) VALUES (?, ?, ?)'),
    deleteTemplate: db.prepare<[string]>('DELETE FROM workshop_templates WHERE id = ?'),
    insertWorkshop: db.prepare(
      `INSERT INTO workshops (id, title, starts_at, time_zone, language, description, moderator_names,
         co_moderator_names, created_at, moderator_secret_hash, co_moderator_secret_hash, participant_secret_hash)
       VALUES (@id, @title, @startsAt, @timeZone, @language, @description, @moderatorNames,
         @coModeratorNames, @createdAt, @moderator, @coModerator, @participant)`,
    ),
    getWorkshop: db.prepare<[string], WorkshopRow>('SELECT * FROM workshops WHERE id = ?'),
    insertPerson: db.prepare(
      `INSERT INTO people (id, workshop_id, display_name, role, list_in_documentation, token_hash, joined_at, removed_at, organisation, seq)
       VALUES (@id, @workshopId, @displayName, @role, @listInDocumentation, @tokenHash, @joinedAt, @removedAt, @organisation,
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM people WHERE workshop_id = @workshopId))`,
    ),
    getPerson: db.prepare<[string, string], PersonRow>('SELECT * FROM people WHERE workshop_id = ? AND id = ?'),
    findByToken: db.prepare<[string, string], PersonRow>('SELECT * FROM people WHERE workshop_id = ? AND token_hash = ?'),
    updateWorkshopStart: db.prepare<[string, string]>('UPDATE workshops SET starts_at = ? WHERE id = ?'),
    getAgenda: db.prepare<[string], AgendaRow>('SELECT * FROM agendas WHERE workshop_id = ?'),
    getDocumentation: db.prepare<[string], { published_at: string | null; compiled_by: string; next_steps: string; excluded_json: string }>(
      'SELECT published_at, compiled_by, next_steps, excluded_json FROM documentation WHERE workshop_id = ?',
    ),
    saveDocumentation: db.prepare<[string, string | null, string, string, string]>(
      `INSERT INTO documentation (workshop_id, published_at, compiled_by, next_steps, excluded_json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (workshop_id) DO UPDATE SET published_at = excluded.published_at, compiled_by = excluded.compiled_by,
         next_steps = excluded.next_steps, excluded_json = excluded.excluded_json`,
    ),
    attachmentBytes: db.prepare<[string], { total: number | null }>('SELECT SUM(size) AS total FROM attachments WHERE workshop_id = ?'),
    insertAttachment: db.prepare(
      `INSERT INTO attachments (id, workshop_id, name, content_type, size, uploaded_at, data, seq)
       VALUES (@id, @workshopId, @name, @contentType, @size, @uploadedAt, @data,
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM attachments WHERE workshop_id = @workshopId))`,
    ),
    listAttachments: db.prepare<[string], AttachmentRow>(
      'SELECT id, workshop_id, name, content_type, size, uploaded_at FROM attachments WHERE workshop_id = ? ORDER BY seq',
    ),
    getAttachment: db.prepare<[string, string], AttachmentRow & { data: Buffer }>(
      'SELECT id, workshop_id, name, content_type, size, uploaded_at, data FROM attachments WHERE workshop_id = ? AND id = ?',
    ),
    deleteAttachment: db.prepare<[string, string]>('DELETE FROM attachments WHERE workshop_id = ? AND id = ?'),
    insertAgenda: db.prepare(
      `INSERT INTO agendas (workshop_id, version, blocks_json, run_json, settings_json)
       VALUES (@workshopId, @version, @blocks, @run, @settings) ON CONFLICT (workshop_id) DO NOTHING`,
    ),
    updateAgenda: db.prepare(
      `UPDATE agendas SET version = @version, blocks_json = @blocks, run_json = @run, settings_json = @settings
       WHERE workshop_id = @workshopId AND version = @version - 1`,
    ),
    getDocument: db.prepare<[string, string], { version: number; body_json: string }>(
      'SELECT version, body_json FROM workshop_documents WHERE workshop_id = ? AND kind = ?',
    ),
    insertDocument: db.prepare(
      `INSERT INTO workshop_documents (workshop_id, kind, version, body_json) VALUES (@workshopId, @kind, @version, @body)
       ON CONFLICT (workshop_id, kind) DO NOTHING`,
    ),
    updateDocument: db.prepare(
      `UPDATE workshop_documents SET version = @version, body_json = @body
       WHERE workshop_id = @workshopId AND kind = @kind AND version = @version - 1`,
    ),
    insertNamedAnswer: db.prepare<[string, string, string]>(
      'INSERT INTO poll_named_answers (poll_id, person_id, answer_json) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    upsertNamedAnswer: db.prepare<[string, string, string]>(
      `INSERT INTO poll_named_answers (poll_id, person_id, answer_json) VALUES (?, ?, ?)
       ON CONFLICT (poll_id, person_id) DO UPDATE SET answer_json = excluded.answer_json`,
    ),
    getNamedAnswer: db.prepare<[string, string], { answer_json: string }>(
      'SELECT answer_json FROM poll_named_answers WHERE poll_id = ? AND person_id = ?',
    ),
    insertVoter: db.prepare<[string, string]>('INSERT INTO poll_voters (poll_id, voter_key) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    hasVoter: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM poll_voters WHERE poll_id = ? AND voter_key = ?'),
    insertBallot: db.prepare<[string, string, string]>('INSERT INTO poll_ballots (poll_id, ballot_key, answer_json) VALUES (?, ?, ?)'),
    updateBallot: db.prepare<[string, string, string]>('UPDATE poll_ballots SET answer_json = ? WHERE poll_id = ? AND ballot_key = ?'),
    listNamed: db.prepare<[string], { person_id: string; answer_json: string }>(
      'SELECT person_id, answer_json FROM poll_named_answers WHERE poll_id = ?',
    ),
    listBallots: db.prepare<[string], { answer_json: string }>('SELECT answer_json FROM poll_ballots WHERE poll_id = ?'),
    listBallotRows: db.prepare<[string], { ballot_key: string; answer_json: string }>(
      'SELECT ballot_key, answer_json FROM poll_ballots WHERE poll_id = ?',
    ),
    deleteBallots: db.prepare<[string]>('DELETE FROM poll_ballots WHERE poll_id = ?'),
    listVoterKeys: db.prepare<[string], { voter_key: string }>('SELECT voter_key FROM poll_voters WHERE poll_id = ?'),
    deleteVoters: db.prepare<[string]>('DELETE FROM poll_voters WHERE poll_id = ?'),
    listPeople: db.prepare<[string], PersonRow>(
      'SELECT * FROM people WHERE workshop_id = ? AND removed_at IS NULL ORDER BY seq',
    ),
  };

  type BallotRow = { ballot_key: string; answer_json: string };

  /**
   * Rewrites all ballots of a poll in random order, so that where a ballot sits in its page (SQLite
   * fills pages in write order) says nothing about when it was cast, and so about who cast it.
   */
  function rewriteBallots(pollId: string, ballots: BallotRow[]): void {
    for (let index = ballots.length - 1; index > 0; index -= 1) {
      const other = randomInt(index + 1);
      [ballots[index], ballots[other]] = [ballots[other]!, ballots[index]!];
    }
    statements.deleteBallots.run(pollId);
    for (const ballot of ballots) statements.insertBallot.run(pollId, ballot.ballot_key, ballot.answer_json);
  }

  /**
   * Rewrites the voter rows of a poll in random order: SQLite places each new cell below the previous
   * one in its page, so rows written one by one would lie in the file in the order people voted.
   */
  function rewriteVoters(pollId: string): void {
    const keys = statements.listVoterKeys.all(pollId).map((row) => row.voter_key);
    for (let index = keys.length - 1; index > 0; index -= 1) {
      const other = randomInt(index + 1);
      [keys[index], keys[other]] = [keys[other]!, keys[index]!];
    }
    statements.deleteVoters.run(pollId);
    for (const key of keys) statements.insertVoter.run(pollId, key);
  }

  /**
   * Moves the write-ahead log into the database file and empties it: the log would otherwise keep,
   * frame by frame, which voter row and which ballot were written together. With secure_delete the
   * old page contents are overwritten too.
   */
  function forgetHistory(): void {
    if (file !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Anonymous answers are written together: those that arrive within ANONYMOUS_BATCH_MS share one
   * transaction, one rewrite of each poll's ballots and one emptying of the log. Each caller's promise
   * resolves once its answer is committed. When many people vote at once this turns one rewrite and
   * one checkpoint per vote (each a few milliseconds of blocked event loop) into one per batch, and
   * a batch with several voters says even less about who cast which ballot.
   */
  type AnonymousWrite =
    | { kind: 'save'; pollId: string; voterKey: string; ballotKey: string; answer: PollAnswer; done: (outcome: 'saved' | 'exists') => void; fail: (error: unknown) => void }
    | { kind: 'replace'; pollId: string; ballotKey: string; answer: PollAnswer; done: (replaced: boolean) => void; fail: (error: unknown) => void };
  const pendingAnonymous: AnonymousWrite[] = [];
  let anonymousTimer: ReturnType<typeof setTimeout> | undefined;

  function queueAnonymous(write: AnonymousWrite): void {
    pendingAnonymous.push(write);
    anonymousTimer ??= setTimeout(flushAnonymous, ANONYMOUS_BATCH_MS);
  }

  const writeAnonymous = db.transaction((writes: AnonymousWrite[]) => {
    const ballotsByPoll = new Map<string, BallotRow[]>();
    const changed = new Set<string>();
    const newVoters = new Set<string>();
    const ballotsOf = (pollId: string) => {
      let ballots = ballotsByPoll.get(pollId);
      if (!ballots) ballotsByPoll.set(pollId, (ballots = statements.listBallotRows.all(pollId)));
      return ballots;
    };
    const outcomes = writes.map((write) => {
      if (write.kind === 'save') {
        if (statements.insertVoter.run(write.pollId, write.voterKey).changes !== 1) return 'exists' as const;
        ballotsOf(write.pollId).push({ ballot_key: write.ballotKey, answer_json: JSON.stringify(write.answer) });
        changed.add(write.pollId);
        newVoters.add(write.pollId);
        return 'saved' as const;
      }
      const ballots = ballotsOf(write.pollId);
      const index = ballots.findIndex((ballot) => ballot.ballot_key === write.ballotKey);
      if (index < 0) return false;
      ballots[index] = { ballot_key: write.ballotKey, answer_json: JSON.stringify(write.answer) };
      changed.add(write.pollId);
      return true;
    });
    for (const pollId of changed) rewriteBallots(pollId, ballotsOf(pollId));
    for (const pollId of newVoters) rewriteVoters(pollId);
    return { outcomes, changed: changed.size > 0 };
  });

  function flushAnonymous(): void {
    if (anonymousTimer !== undefined) clearTimeout(anonymousTimer);
    anonymousTimer = undefined;
    const writes = pendingAnonymous.splice(0);
    if (writes.length === 0) return;
    let result: ReturnType<typeof writeAnonymous>;
    try {
      result = writeAnonymous(writes);
    } catch (error) {
      for (const write of writes) write.fail(error);
      return;
    }
    if (result.changed) {
      try {
        forgetHistory();
      } catch {
        // The answers are committed. The next batch's checkpoint (or closing the store) empties the log.
      }
    }
    writes.forEach((write, index) => (write.done as (outcome: unknown) => void)(result.outcomes[index]));
  }

  /** A versioned JSON document of a workshop (breakout rounds, polls). */
  function readDocument<T>(workshopId: string, kind: string): { version: number; body: T } | undefined {
    const row = statements.getDocument.get(workshopId, kind);
    return row && { version: row.version, body: JSON.parse(row.body_json) as T };
  }

  /** Writes version N of a document only if version N-1 is stored (or none, for version 1). */
  function writeDocument(workshopId: string, kind: string, version: number, body: unknown): boolean {
    const values = { workshopId, kind, version, body: JSON.stringify(body) };
    const result = version === 1 ? statements.insertDocument.run(values) : statements.updateDocument.run(values);
    return result.changes === 1;
  }

  const store: Store = {
    collab: sqliteCollabStore(db),
    async insertWorkshop(workshop) {
      statements.insertWorkshop.run({
        ...workshop,
        moderator: workshop.linkSecretHashes.moderator,
        coModerator: workshop.linkSecretHashes.coModerator,
        participant: workshop.linkSecretHashes.participant,
      });
    },
    async getWorkshop(id) {
      const row = statements.getWorkshop.get(id);
      return row ? toWorkshop(row) : undefined;
    },
    async insertPerson(person) {
      statements.insertPerson.run({ ...person, organisation: person.organisation ?? '', listInDocumentation: person.listInDocumentation ? 1 : 0 });
    },
    async getPerson(workshopId, personId) {
      const row = statements.getPerson.get(workshopId, personId);
      return row ? toPerson(row) : undefined;
    },
    async findPersonByTokenHash(workshopId, tokenHash) {
      const row = statements.findByToken.get(workshopId, tokenHash);
      return row ? toPerson(row) : undefined;
    },
    async listPeople(workshopId) {
      return statements.listPeople.all(workshopId).map(toPerson);
    },
    async updatePerson(workshopId, personId, patch: PersonPatch) {
      const columns: Record<keyof PersonPatch, string> = {
        displayName: 'display_name',
        role: 'role',
        listInDocumentation: 'list_in_documentation',
        removedAt: 'removed_at',
        organisation: 'organisation',
      };
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const key of Object.keys(columns) as (keyof PersonPatch)[]) {
        if (patch[key] === undefined) continue;
        sets.push(`${columns[key]} = ?`);
        const value = patch[key];
        values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
      }
      if (sets.length > 0) {
        db.prepare(`UPDATE people SET ${sets.join(', ')} WHERE workshop_id = ? AND id = ?`).run(...values, workshopId, personId);
      }
      return store.getPerson(workshopId, personId);
    },
    async updateWorkshopStart(workshopId, startsAt) {
      statements.updateWorkshopStart.run(startsAt, workshopId);
    },
    async getDocumentationSettings(workshopId) {
      const row = statements.getDocumentation.get(workshopId);
      if (!row) return undefined;
      return {
        publishedAt: row.published_at,
        compiledBy: row.compiled_by,
        nextSteps: row.next_steps,
        excluded: JSON.parse(row.excluded_json) as DocumentationSection[],
      };
    },
    async saveDocumentationSettings(workshopId, settings) {
      statements.saveDocumentation.run(workshopId, settings.publishedAt, settings.compiledBy, settings.nextSteps, JSON.stringify(settings.excluded));
    },
    async insertAttachment(record, data, workshopLimitBytes) {
      return db.transaction(() => {
        const used = statements.attachmentBytes.get(record.workshopId)?.total ?? 0;
        if (used + record.size > workshopLimitBytes) return 'too_large' as const;
        statements.insertAttachment.run({ ...record, data });
        return 'saved' as const;
      })();
    },
    async listAttachments(workshopId) {
      return statements.listAttachments.all(workshopId).map(toAttachment);
    },
    async getAttachment(workshopId, id) {
      const row = statements.getAttachment.get(workshopId, id);
      return row ? { record: toAttachment(row), data: row.data } : undefined;
    },
    async deleteAttachment(workshopId, id) {
      return statements.deleteAttachment.run(workshopId, id).changes === 1;
    },
    async getAgenda(workshopId) {
      const row = statements.getAgenda.get(workshopId);
      if (!row) return undefined;
      const settings = JSON.parse(row.settings_json) as Pick<AgendaRecord, 'warningThresholds'>;
      return {
        workshopId: row.workshop_id,
        version: row.version,
        blocks: JSON.parse(row.blocks_json) as AgendaRecord['blocks'],
        run: JSON.parse(row.run_json) as AgendaRecord['run'],
        warningThresholds: settings.warningThresholds,
      };
    },
    async saveAgenda(record) {
      const values = {
        workshopId: record.workshopId,
        version: record.version,
        blocks: JSON.stringify(record.blocks),
        run: JSON.stringify(record.run),
        settings: JSON.stringify({ warningThresholds: record.warningThresholds }),
      };
      const result = record.version === 1 ? statements.insertAgenda.run(values) : statements.updateAgenda.run(values);
      return result.changes === 1;
    },
    async getBreakouts(workshopId) {
      const document = readDocument<BreakoutsRecord['rounds']>(workshopId, 'breakouts');
      return document && { workshopId, version: document.version, rounds: document.body };
    },
    async saveBreakouts(record) {
      return writeDocument(record.workshopId, 'breakouts', record.version, record.rounds);
    },
    async getBoards(workshopId) {
      const document = readDocument<BoardsRecord['rooms']>(workshopId, 'boards');
      return document && { workshopId, version: document.version, rooms: document.body };
    },
    async saveBoards(record) {
      return writeDocument(record.workshopId, 'boards', record.version, record.rooms);
    },
    async getSeries(workshopId) {
      const document = readDocument<SeriesRecord['dates']>(workshopId, 'series');
      return document && { workshopId, version: document.version, dates: document.body };
    },
    async saveSeries(record) {
      return writeDocument(record.workshopId, 'series', record.version, record.dates);
    },
    async listTemplates() {
      return statements.listTemplates.all().map((row) => ({ id: row.id, body: JSON.parse(row.body_json) as unknown, createdAt: row.created_at }));
    },
    async getTemplate(id) {
      const row = statements.getTemplate.get(id);
      return row && { id: row.id, body: JSON.parse(row.body_json) as unknown, createdAt: row.created_at };
    },
    async insertTemplate(entry) {
      statements.insertTemplate.run(entry.id, JSON.stringify(entry.body), entry.createdAt);
    },
    async deleteTemplate(id) {
      return statements.deleteTemplate.run(id).changes === 1;
    },
    async getMediaSettings(workshopId) {
      const document = readDocument<Pick<MediaSettingsRecord, 'links' | 'permissions' | 'spotlights'>>(workshopId, 'media');
      return document && { workshopId, version: document.version, ...document.body };
    },
    async saveMediaSettings(record) {
      return writeDocument(record.workshopId, 'media', record.version, { links: record.links, permissions: record.permissions, spotlights: record.spotlights });
    },
    async getPolls(workshopId) {
      const document = readDocument<PollsRecord['polls']>(workshopId, 'polls');
      return document && { workshopId, version: document.version, polls: document.body };
    },
    async savePolls(record) {
      return writeDocument(record.workshopId, 'polls', record.version, record.polls);
    },
    async getFindings(workshopId) {
      const document = readDocument<Pick<FindingsRecord, 'findings' | 'stage'>>(workshopId, 'findings');
      return document && { workshopId, version: document.version, findings: document.body.findings, stage: document.body.stage };
    },
    async saveFindings(record) {
      return writeDocument(record.workshopId, 'findings', record.version, { findings: record.findings, stage: record.stage });
    },
    async getSpeaking(workshopId) {
      const document = readDocument<SpeakingRecord['speaking']>(workshopId, 'speaking');
      return document && { workshopId, version: document.version, speaking: document.body };
    },
    async saveSpeaking(record) {
      return writeDocument(record.workshopId, 'speaking', record.version, record.speaking);
    },
    async saveNamedAnswer(pollId, personId, answer, replace) {
      const statement = replace ? statements.upsertNamedAnswer : statements.insertNamedAnswer;
      return statement.run(pollId, personId, JSON.stringify(answer)).changes === 1 ? 'saved' : 'exists';
    },
    saveAnonymousAnswer(pollId, voterKey, ballotKey, answer) {
      return new Promise((done, fail) => queueAnonymous({ kind: 'save', pollId, voterKey, ballotKey, answer, done, fail }));
    },
    replaceAnonymousAnswer(pollId, ballotKey, answer) {
      return new Promise((done, fail) => queueAnonymous({ kind: 'replace', pollId, ballotKey, answer, done, fail }));
    },
    async hasVoted(pollId, voterKey) {
      return statements.hasVoter.get(pollId, voterKey) !== undefined;
    },
    async getNamedAnswer(pollId, personId) {
      const row = statements.getNamedAnswer.get(pollId, personId);
      return row ? (JSON.parse(row.answer_json) as PollAnswer) : undefined;
    },
    async listAnswers(pollId) {
      const named = statements.listNamed.all(pollId).map((row) => ({ personId: row.person_id, answer: JSON.parse(row.answer_json) as PollAnswer }));
      const anonymous = statements.listBallots.all(pollId).map((row) => ({ personId: null, answer: JSON.parse(row.answer_json) as PollAnswer }));
      return [...named, ...anonymous];
    },
    async close() {
      flushAnonymous();
      db.close();
    },
  };
  return store;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
