import { useEffect, useRef, useState, type ReactNode } from 'react';

const storageKey = (id: string) => `werkraum:opened:${id}`;

function wasOpened(id: string): boolean {
  try {
    return sessionStorage.getItem(storageKey(id)) === '1';
  } catch {
    return false;
  }
}

/**
 * A panel whose heavy content (the notes editor, the board) loads only when someone opens it, so a
 * phone on a slow line gets to the live workshop first. Once opened it stays open in this tab.
 */
export function OpenOnDemand({
  id,
  heading,
  hint,
  openLabel,
  children,
}: {
  /** Unique per workshop and panel; the opened state is kept under it for this tab. */
  id: string;
  heading: string;
  hint: string;
  openLabel: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(() => wasOpened(id));
  const [justOpened, setJustOpened] = useState(false);
  const content = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!justOpened) return;
    // The keyboard goes on in the panel that replaced the button, at its heading.
    const target = content.current?.querySelector<HTMLElement>('h2, h3') ?? content.current;
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }, [justOpened]);
  if (open) return <div ref={content}>{children}</div>;
  const headingId = `${id}-heading`;
  return (
    <section className="card open-on-demand" aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      <p className="hint">{hint}</p>
      <button
        type="button"
        onClick={() => {
          try {
            sessionStorage.setItem(storageKey(id), '1');
          } catch {
            // Private mode: it opens again on the next visit.
          }
          setOpen(true);
          setJustOpened(true);
        }}
      >
        {openLabel}
      </button>
    </section>
  );
}
