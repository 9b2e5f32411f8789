const STORAGE_KEY = 'werkraum:warningSound';

/** Whether this person wants a sound with the clock's warnings (on unless muted). */
export function soundEnabled(): boolean {
  return localStorage.getItem(STORAGE_KEY) !== 'off';
}

/** Remembers this person's choice. */
export function setSoundEnabled(enabled: boolean): void {
  localStorage.setItem(STORAGE_KEY, enabled ? 'on' : 'off');
}

let context: AudioContext | null = null;

/**
 * Browsers start audio suspended until the person interacts with the page; the first click or key
 * press unlocks it, so a later warning can sound even after a reload.
 */
function unlock(): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
  } catch {
    // No audio on this device.
  }
}
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', unlock, { once: true, capture: true });
  window.addEventListener('keydown', unlock, { once: true, capture: true });
}

/** A short, soft two-tone chime; silent where the browser allows no audio yet. */
export function playChime(): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
    const start = context.currentTime;
    for (const [index, frequency] of [660, 880].entries()) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + index * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.2, start + index * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + index * 0.18 + 0.16);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + index * 0.18);
      oscillator.stop(start + index * 0.18 + 0.17);
    }
  } catch {
    // No audio (autoplay policy, no device): the visual warning is enough.
  }
}
