/**
 * Limits that both sides enforce: the client to stop bad input early and say why,
 * the server because it never trusts the client. Defined once, used everywhere.
 */
export const LIMITS = {
  /** Workshop title, characters. */
  titleMax: 200,
  /** Workshop description, characters. */
  descriptionMax: 5_000,
  /** Names shown as moderation / co-moderation, characters. */
  moderationNamesMax: 300,
  /** A person's display name, characters. */
  displayNameMax: 60,
  /** A person's organisation, characters. */
  organisationMax: 120,
  /** Agenda block title, characters. */
  blockTitleMax: 300,
  /** Agenda block description and moderation notes, characters each. */
  blockDescriptionMax: 5_000,
  /** Longest planned block, minutes. */
  blockMinutesMax: 600,
  /** Blocks in one agenda. */
  agendaBlocksMax: 100,
  /** A pasted time table, characters. */
  timetableTextMax: 50_000,
  /** Breakout room name, characters. */
  roomNameMax: 120,
  /** Breakout room task (guiding question), characters. */
  roomTaskMax: 2_000,
  /** Rooms in one breakout round. */
  roomsMax: 100,
  /** A broadcast message, characters. */
  broadcastMax: 500,
  /** Poll question, characters. */
  pollQuestionMax: 500,
  /** Poll option label, characters. */
  pollOptionMax: 200,
  /** Options of one poll. */
  pollOptionsMax: 30,
  /** Polls of one workshop. */
  pollsMax: 100,
  /** An open-text answer, characters. */
  pollTextAnswerMax: 280,
  /** Largest JSON body the HTTP API accepts. */
  httpBodyBytes: 256 * 1024,
  /** Largest single socket.io message (socket.io's maxHttpBufferSize). */
  socketMessageBytes: 256 * 1024,
  /** Secrets in links and person tokens: random bytes (192 bits, above the 128-bit floor). */
  secretBytes: 24,
} as const;

/** How long a person who lost their connection shows as "reconnecting" before they count as "left". */
export const RECONNECT_GRACE_MS = 30_000;
