import type { RoomOptions } from 'livekit-client';

/** How long someone must be quiet before the workshop is told they stopped speaking. */
export const SPEAKING_STOP_DELAY_MS = 1500;

/** The devices chosen in the device check that the room's capture defaults use. */
export interface CaptureChoice {
  microphoneId?: string | null;
  cameraId?: string | null;
}

/**
 * The options of a call's LiveKit room: simulcast (several qualities of each camera, so a weak
 * connection receives a small one), adaptive stream (video only in the size it is shown, paused
 * when not visible) and dynacast (qualities nobody receives are not sent).
 */
export function callRoomOptions(choice: CaptureChoice): RoomOptions {
  return {
    adaptiveStream: true,
    dynacast: true,
    publishDefaults: { simulcast: true },
    ...(choice.microphoneId ? { audioCaptureDefaults: { deviceId: choice.microphoneId } } : {}),
    ...(choice.cameraId ? { videoCaptureDefaults: { deviceId: choice.cameraId } } : {}),
  };
}

/** Timers the reporter uses (the window's by default). */
export interface ReporterTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/**
 * Tells the server whether the own person speaks, from LiveKit's active speakers: a start at once,
 * a stop only after {@link SPEAKING_STOP_DELAY_MS} of quiet (a short pause is no stop), and each
 * state only once, so a lively talk sends few reports.
 */
export class SpeakingReporter {
  private sent = false;
  private stopTimer: unknown = null;

  constructor(
    private readonly send: (speaking: boolean) => void,
    private readonly timers: ReporterTimers = { set: (run, ms) => setTimeout(run, ms), clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
  ) {}

  /** The own person's speaking state as LiveKit sees it now. */
  update(speaking: boolean): void {
    if (speaking) {
      this.cancelStop();
      if (!this.sent) this.report(true);
      return;
    }
    if (!this.sent || this.stopTimer !== null) return;
    this.stopTimer = this.timers.set(() => {
      this.stopTimer = null;
      this.report(false);
    }, SPEAKING_STOP_DELAY_MS);
  }

  /** The call ends: a running speaking state ends at once. */
  close(): void {
    this.cancelStop();
    if (this.sent) this.report(false);
  }

  private report(speaking: boolean): void {
    this.sent = speaking;
    this.send(speaking);
  }

  private cancelStop(): void {
    if (this.stopTimer === null) return;
    this.timers.clear(this.stopTimer);
    this.stopTimer = null;
  }
}

/** Who speaks after a `media:speaking` event (person ids, sorted). */
export function speakingAfter(speaking: readonly string[], personId: string, now: boolean): string[] {
  const others = speaking.filter((id) => id !== personId);
  return (now ? [...others, personId] : others).sort();
}

/** Only people still in a call can be speaking in one. */
export function speakingInCall(speaking: readonly string[], inCall: Record<string, string>): string[] {
  return speaking.filter((id) => inCall[id] !== undefined);
}
