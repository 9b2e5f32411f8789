import { Redis } from 'ioredis';
import type { CallChange, CallState, TrackChange } from '../domain/media.js';

/**
 * Who is in which call and who speaks there, for the whole installation: LiveKit sends each
 * webhook to one process (the load balancer's pick), while the person it concerns and the people
 * who want to see it may be connected to any. Two hashes per workshop,
 * `<prefix>:media:incall:<workshopId>` and `<prefix>:media:speaking:<workshopId>` (field personId,
 * value roomId), and a third, `<prefix>:media:tracks:<workshopId>`, of the tracks each person
 * publishes in a call, which the moderation's mute acts on (field personId, value JSON
 * `{"roomId":…,"tracks":{trackSid: audio?}}`: one field per person, so that a move forgets the old
 * call's tracks in the same write). Changed only by the Lua scripts below, so a check and its change
 * are one step even when processes change a workshop at once. All three expire a day after the last
 * change to any (a LiveKit server that stopped sending webhooks leaves nothing behind for long); an
 * empty hash is gone at once.
 */
const TTL_SECONDS = 24 * 60 * 60;

/**
 * KEYS[1] in call, KEYS[2] speaking, KEYS[3] tracks (only its expiry); ARGV kind (joined, left,
 * finished), roomId, personId, ttl.
 * Answers { 1 when who is in which call changed else 0, the in-call hash after, the ended speaking
 * as personId, roomId pairs }.
 */
const APPLY = `
local kind, roomId, personId = ARGV[1], ARGV[2], ARGV[3]
local changed = 0
if kind == 'joined' then
  if redis.call('HGET', KEYS[1], personId) ~= roomId then
    redis.call('HSET', KEYS[1], personId, roomId)
    changed = 1
  end
elseif kind == 'left' then
  if redis.call('HGET', KEYS[1], personId) == roomId then
    redis.call('HDEL', KEYS[1], personId)
    changed = 1
  end
elseif kind == 'finished' then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i + 1] == roomId then
      redis.call('HDEL', KEYS[1], all[i])
      changed = 1
    end
  end
end
local stopped = {}
local speaking = redis.call('HGETALL', KEYS[2])
for i = 1, #speaking, 2 do
  if redis.call('HGET', KEYS[1], speaking[i]) ~= speaking[i + 1] then
    redis.call('HDEL', KEYS[2], speaking[i])
    table.insert(stopped, speaking[i])
    table.insert(stopped, speaking[i + 1])
  end
end
if changed == 1 or #stopped > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
return { changed, redis.call('HGETALL', KEYS[1]), stopped }
`;

/**
 * KEYS[1] in call, KEYS[2] speaking, KEYS[3] tracks (only its expiry); ARGV personId, roomId,
 * speaking (1 or 0), ttl.
 * Answers -1 when the person is not in that call, 1 when their speaking changed, else 0.
 */
const SPEAK = `
local personId, roomId = ARGV[1], ARGV[2]
if redis.call('HGET', KEYS[1], personId) ~= roomId then return -1 end
local speaking = redis.call('HGET', KEYS[2], personId) == roomId
if speaking == (ARGV[3] == '1') then return 0 end
if ARGV[3] == '1' then redis.call('HSET', KEYS[2], personId, roomId) else redis.call('HDEL', KEYS[2], personId) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1
`;

/**
 * KEYS[1] tracks, KEYS[2] in call, KEYS[3] speaking (only their expiry); ARGV kind (published,
 * unpublished, left, finished), roomId, personId, trackSid, audio (1 or 0), ttl. The same rules as
 * the in-memory state (see CallState.track). Answers 1 when the tracks changed, else 0.
 */
const TRACK = `
local kind, roomId, personId, trackSid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local changed = 0
local function save(id, entry)
  redis.call('HSET', KEYS[1], id, cjson.encode(entry))
  changed = 1
end
if kind == 'published' then
  local raw = redis.call('HGET', KEYS[1], personId)
  local entry = raw and cjson.decode(raw) or nil
  if not entry or entry.roomId ~= roomId then entry = { roomId = roomId, tracks = {} } end
  entry.tracks[trackSid] = ARGV[5] == '1'
  save(personId, entry)
elseif kind == 'unpublished' then
  local raw = redis.call('HGET', KEYS[1], personId)
  if raw then
    local entry = cjson.decode(raw)
    if entry.roomId == roomId and entry.tracks[trackSid] ~= nil then
      entry.tracks[trackSid] = nil
      save(personId, entry)
    end
  end
elseif kind == 'left' then
  local raw = redis.call('HGET', KEYS[1], personId)
  if raw and cjson.decode(raw).roomId == roomId then
    redis.call('HDEL', KEYS[1], personId)
    changed = 1
  end
elseif kind == 'finished' then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if cjson.decode(all[i + 1]).roomId == roomId then
      redis.call('HDEL', KEYS[1], all[i])
      changed = 1
    end
  end
end
if changed == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
end
return changed
`;

/** Answers of Redis slower than this fail the request (a webhook is then answered 500, a report refused). */
const COMMAND_TIMEOUT_MS = 2_000;

type CallsClient = Redis & {
  werkraumCallApply(inCall: string, speaking: string, tracks: string, kind: string, roomId: string, personId: string, ttl: number): Promise<[number, string[], string[]]>;
  werkraumCallSpeak(inCall: string, speaking: string, tracks: string, personId: string, roomId: string, speaking01: string, ttl: number): Promise<number>;
  werkraumCallTrack(
    tracks: string,
    inCall: string,
    speaking: string,
    kind: string,
    roomId: string,
    personId: string,
    trackSid: string,
    audio01: string,
    ttl: number,
  ): Promise<number>;
};

const pairs = (flat: string[]): [string, string][] => {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
};

export interface RedisCallState extends CallState {
  close(): Promise<void>;
}

/**
 * Connects the shared call state. Its own connection without an offline queue: while Redis is away
 * a step fails at once instead of piling up until a reconnect (a snapshot then shows nobody in a
 * call, see MediaDomain.status).
 */
export async function redisCallState(url: string, prefix: string, log: (message: string, error?: unknown) => void): Promise<RedisCallState> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS }) as CallsClient;
  client.on('error', (error: Error) => log('redis call state connection error', error.message));
  client.defineCommand('werkraumCallApply', { numberOfKeys: 3, lua: APPLY });
  client.defineCommand('werkraumCallSpeak', { numberOfKeys: 3, lua: SPEAK });
  client.defineCommand('werkraumCallTrack', { numberOfKeys: 3, lua: TRACK });
  await client.connect();
  const inCallKey = (workshopId: string) => `${prefix}:media:incall:${workshopId}`;
  const speakingKey = (workshopId: string) => `${prefix}:media:speaking:${workshopId}`;
  const tracksKey = (workshopId: string) => `${prefix}:media:tracks:${workshopId}`;
  return {
    async apply(workshopId, change: CallChange) {
      const personId = change.kind === 'finished' ? '' : change.personId;
      const [changed, inCall, stopped] = await client.werkraumCallApply(inCallKey(workshopId), speakingKey(workshopId), tracksKey(workshopId), change.kind, change.roomId, personId, TTL_SECONDS);
      return {
        inCall: changed === 1 ? Object.fromEntries(pairs(inCall)) : null,
        stopped: pairs(stopped).map(([stoppedId, roomId]) => ({ personId: stoppedId, roomId })),
      };
    },
    async callOf(workshopId, personId) {
      return (await client.hget(inCallKey(workshopId), personId)) ?? undefined;
    },
    async speak(workshopId, personId, roomId, speaking) {
      const outcome = Number(await client.werkraumCallSpeak(inCallKey(workshopId), speakingKey(workshopId), tracksKey(workshopId), personId, roomId, speaking ? '1' : '0', TTL_SECONDS));
      return outcome < 0 ? 'not_in_call' : outcome > 0 ? 'changed' : 'unchanged';
    },
    async read(workshopId) {
      const [inCall, speaking] = await Promise.all([client.hgetall(inCallKey(workshopId)), client.hkeys(speakingKey(workshopId))]);
      return { inCall, speaking: speaking.sort() };
    },
    async track(workshopId, change: TrackChange) {
      const personId = change.kind === 'finished' ? '' : change.personId;
      const [trackSid, audio] = change.kind === 'published' || change.kind === 'unpublished' ? [change.trackSid, change.audio ? '1' : '0'] : ['', '0'];
      await client.werkraumCallTrack(tracksKey(workshopId), inCallKey(workshopId), speakingKey(workshopId), change.kind, change.roomId, personId, trackSid, audio, TTL_SECONDS);
    },
    async audioTracks(workshopId, roomId) {
      const audio: Record<string, string[]> = {};
      let any = false;
      for (const [personId, raw] of Object.entries(await client.hgetall(tracksKey(workshopId)))) {
        const entry = JSON.parse(raw) as { roomId: string; tracks: Record<string, boolean> | unknown[] };
        if (entry.roomId !== roomId) continue;
        // An empty Lua table may come back as [] from older cjson builds: no tracks either way.
        audio[personId] = Array.isArray(entry.tracks) ? [] : Object.entries(entry.tracks).filter(([, isAudio]) => isAudio).map(([sid]) => sid);
        any = true;
      }
      return any ? audio : null;
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
