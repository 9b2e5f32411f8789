import type {
  AgendaRecord,
  AgendaStore,
  BoardStore,
  BoardsRecord,
  BreakoutStore,
  BreakoutsRecord,
  FindingsRecord,
  FindingsStore,
  MediaSettingsRecord,
  MediaStore,
  PollsRecord,
  SeriesRecord,
  SeriesStore,
  SpeakingRecord,
  SpeakingStore,
} from '../types.js';
import type { Db } from './db.js';

/**
 * The versioned units of a workshop (agenda, breakout rounds, polls, boards). A save of version N
 * succeeds only when version N-1 is stored (none, for version 1): under READ COMMITTED a second
 * concurrent UPDATE waits for the first and then finds the version changed, so exactly one wins,
 * also between processes.
 */
export function postgresDocumentStore(
  db: Db,
): AgendaStore &
  BreakoutStore &
  BoardStore &
  SeriesStore &
  FindingsStore &
  SpeakingStore &
  MediaStore &
  Pick<import('../types.js').PollStore, 'getPolls' | 'savePolls'> {
  async function readDocument<T>(workshopId: string, kind: string): Promise<{ version: number; body: T } | undefined> {
    const { rows } = await db.query<{ version: number; body_json: string }>(
      'SELECT version, body_json FROM workshop_documents WHERE workshop_id = $1 AND kind = $2',
      [workshopId, kind],
    );
    const row = rows[0];
    return row && { version: row.version, body: JSON.parse(row.body_json) as T };
  }

  async function writeDocument(workshopId: string, kind: string, version: number, body: unknown): Promise<boolean> {
    const values = [workshopId, kind, version, JSON.stringify(body)];
    const result =
      version === 1
        ? await db.query(
            `INSERT INTO workshop_documents (workshop_id, kind, version, body_json) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workshop_id, kind) DO NOTHING`,
            values,
          )
        : await db.query(
            `UPDATE workshop_documents SET version = $3, body_json = $4 WHERE workshop_id = $1 AND kind = $2 AND version = $3 - 1`,
            values,
          );
    return result.rowCount === 1;
  }

  return {
    async getAgenda(workshopId) {
      const { rows } = await db.query<{ version: number; blocks_json: string; run_json: string; settings_json: string }>(
        'SELECT version, blocks_json, run_json, settings_json FROM agendas WHERE workshop_id = $1',
        [workshopId],
      );
      const row = rows[0];
      if (!row) return undefined;
      const settings = JSON.parse(row.settings_json) as Pick<AgendaRecord, 'warningThresholds'>;
      return {
        workshopId,
        version: row.version,
        blocks: JSON.parse(row.blocks_json) as AgendaRecord['blocks'],
        run: JSON.parse(row.run_json) as AgendaRecord['run'],
        warningThresholds: settings.warningThresholds,
      };
    },
    async saveAgenda(record) {
      const values = [
        record.workshopId,
        record.version,
        JSON.stringify(record.blocks),
        JSON.stringify(record.run),
        JSON.stringify({ warningThresholds: record.warningThresholds }),
      ];
      const result =
        record.version === 1
          ? await db.query(
              `INSERT INTO agendas (workshop_id, version, blocks_json, run_json, settings_json) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (workshop_id) DO NOTHING`,
              values,
            )
          : await db.query(
              `UPDATE agendas SET version = $2, blocks_json = $3, run_json = $4, settings_json = $5
               WHERE workshop_id = $1 AND version = $2 - 1`,
              values,
            );
      return result.rowCount === 1;
    },
    async getBreakouts(workshopId) {
      const document = await readDocument<BreakoutsRecord['rounds']>(workshopId, 'breakouts');
      return document && { workshopId, version: document.version, rounds: document.body };
    },
    saveBreakouts: (record) => writeDocument(record.workshopId, 'breakouts', record.version, record.rounds),
    async getBoards(workshopId) {
      const document = await readDocument<BoardsRecord['rooms']>(workshopId, 'boards');
      return document && { workshopId, version: document.version, rooms: document.body };
    },
    saveBoards: (record) => writeDocument(record.workshopId, 'boards', record.version, record.rooms),
    async getPolls(workshopId) {
      const document = await readDocument<PollsRecord['polls']>(workshopId, 'polls');
      return document && { workshopId, version: document.version, polls: document.body };
    },
    savePolls: (record) => writeDocument(record.workshopId, 'polls', record.version, record.polls),
    async getSeries(workshopId) {
      const document = await readDocument<SeriesRecord['dates']>(workshopId, 'series');
      return document && { workshopId, version: document.version, dates: document.body };
    },
    saveSeries: (record) => writeDocument(record.workshopId, 'series', record.version, record.dates),
    async getFindings(workshopId) {
      const document = await readDocument<Pick<FindingsRecord, 'findings' | 'stage'>>(workshopId, 'findings');
      return document && { workshopId, version: document.version, findings: document.body.findings, stage: document.body.stage };
    },
    saveFindings: (record) => writeDocument(record.workshopId, 'findings', record.version, { findings: record.findings, stage: record.stage }),
    async getSpeaking(workshopId) {
      const document = await readDocument<SpeakingRecord['speaking']>(workshopId, 'speaking');
      return document && { workshopId, version: document.version, speaking: document.body };
    },
    saveSpeaking: (record) => writeDocument(record.workshopId, 'speaking', record.version, record.speaking),
    async getMediaSettings(workshopId) {
      const document = await readDocument<Pick<MediaSettingsRecord, 'links' | 'permissions' | 'spotlights'>>(workshopId, 'media');
      return document && { workshopId, version: document.version, ...document.body };
    },
    saveMediaSettings: (record) =>
      writeDocument(record.workshopId, 'media', record.version, { links: record.links, permissions: record.permissions, spotlights: record.spotlights }),
  };
}
