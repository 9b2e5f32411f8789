/** An ISO 8601 timestamp with the browser's UTC offset, from a date and a time field. */
export function localDateTimeToIso(date: string, time: string): string | null {
  const value = new Date(`${date}T${time}`);
  if (Number.isNaN(value.getTime())) return null;
  const offsetMinutes = -value.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.abs(Math.trunc(n))).padStart(2, '0');
  return `${date}T${time.length === 5 ? `${time}:00` : time}${sign}${pad(offsetMinutes / 60)}:${pad(offsetMinutes % 60)}`;
}

/** A workshop's start as people read it, in the UI language and the workshop's time zone. */
export function formatStart(iso: string, language: string, timeZone: string | null): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = (zone: string | null) =>
    new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
      dateStyle: 'full',
      timeStyle: 'short',
      ...(zone ? { timeZone: zone } : {}),
    }).format(date);
  try {
    return format(timeZone);
  } catch {
    // A zone this browser does not know: the browser's own zone is better than nothing.
    return format(null);
  }
}

/** The browser's IANA time zone, if it tells. */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** A server time as a time of day ("14:05") in the viewer's own time zone. */
export function formatTimeOfDay(ms: number, language: string): string {
  return new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(ms);
}
