import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch.js';
import type { FramePanel } from './panels.js';
import './frame.css';

/** The id the stage's `main` element carries (the skip link's target). */
const STAGE_ID = 'content';

/** Where the side panels folded in this tab are kept (panel ids), so a reload keeps them folded. */
const COLLAPSED_KEY = 'werkraum:collapsed-panels';

function loadCollapsed(): string[] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(COLLAPSED_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** The side panels folded away in this tab, remembered per panel for the tab's lifetime. */
function useCollapsedPanels(): [ReadonlySet<string>, (id: string, collapsed: boolean) => void] {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set(loadCollapsed()));
  const update = useCallback((id: string, fold: boolean) => {
    setCollapsed((current) => {
      if (current.has(id) === fold) return current;
      const next = new Set(current);
      if (fold) next.add(id);
      else next.delete(id);
      try {
        sessionStorage.setItem(COLLAPSED_KEY, JSON.stringify([...next]));
      } catch {
        // Without storage the state lasts until the page is left.
      }
      return next;
    });
  }, []);
  return [collapsed, update];
}

/** Moves the view and the keyboard focus to a region of the frame, so screen readers land there too. */
function focusRegion(elementId: string): void {
  const target = document.getElementById(elementId);
  if (!target) return;
  target.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}

/**
 * The workshop's app frame, a CSS grid with named regions: the top bar (title, clock, live status,
 * language) that never scrolls away, an optional facilitation row (run controls), the stage
 * (`main`, what matters now) and the side panel (`aside`, a stack of collapsible sections with a
 * jump list; each section's name is a disclosure button, and what is folded stays folded in the tab).
 * On wide screens the frame fills the window and the stage and side panel scroll on their own, so
 * the top bar and the controls stay in view; on phones the regions stack and a bottom bar jumps
 * between the stage and the panels.
 */
export function WorkshopFrame({
  title,
  bar,
  status,
  controls,
  stage,
  panels,
}: {
  /** The workshop's title, shown in the top bar. */
  title: string;
  /** Live elements of the top bar: the clock, badges, connection state, "back to the plenary". */
  bar: ReactNode;
  /** The connection state, next to the language switch. */
  status?: ReactNode;
  /** The facilitation row under the top bar; only for people who run the workshop. */
  controls?: ReactNode;
  stage: ReactNode;
  panels: readonly FramePanel[];
}) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('stage');
  const [collapsed, setCollapsed] = useCollapsedPanels();
  // A panel that comes in at the top (the rooms, when a facilitator enters a room) is shown: the side
  // panel scrolls back to its start instead of keeping the panels below in view.
  const side = useRef<HTMLElement>(null);
  const first = panels[0]?.id;
  useLayoutEffect(() => {
    if (side.current) side.current.scrollTop = 0;
  }, [first]);
  const go = (id: string) => {
    setCurrent(id);
    // Choosing a folded panel in the navigation unfolds it.
    if (id !== 'stage') setCollapsed(id, false);
    focusRegion(id === 'stage' ? STAGE_ID : `panel-${id}`);
  };
  return (
    <div className={`frame ${controls ? 'frame-with-controls' : ''}`}>
      <a className="skip-link" href={`#${STAGE_ID}`}>
        {t('app.skipToContent')}
      </a>
      <header className="frame-bar">
        <a className="app-name" href="/">
          {t('app.name')}
        </a>
        <p className="frame-title">{title}</p>
        <div className="frame-bar-live">{bar}</div>
        <div className="frame-bar-status">
          {status}
          <LanguageSwitch />
        </div>
      </header>
      {controls ? (
        <section className="frame-controls" aria-label={t('layout.facilitation')}>
          {controls}
        </section>
      ) : null}
      <main id={STAGE_ID} className="frame-stage" tabIndex={-1} aria-label={t('layout.stage')}>
        {stage}
      </main>
      {panels.length > 0 ? (
        <aside ref={side} className="frame-side" aria-label={t('layout.sidePanel')}>
          <nav className="panel-nav" aria-label={t('layout.panelNav')}>
            <ul>
              {panels.map((panel) => (
                <li key={panel.id}>
                  <button type="button" onClick={() => go(panel.id)}>
                    {panel.label}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {panels.map((panel) => {
            const open = !collapsed.has(panel.id);
            return (
              <div key={panel.id} id={`panel-${panel.id}`} className="frame-panel" data-panel={panel.id} tabIndex={-1}>
                <button
                  type="button"
                  className="frame-panel-toggle"
                  aria-expanded={open}
                  aria-controls={`panel-body-${panel.id}`}
                  onClick={() => setCollapsed(panel.id, open)}
                >
                  <span className="frame-panel-chevron" aria-hidden="true" />
                  {panel.label}
                </button>
                {/* Folded content stays mounted (forms keep what was typed), only hidden. */}
                <div id={`panel-body-${panel.id}`} className="frame-panel-body" hidden={!open}>
                  {panel.content}
                </div>
              </div>
            );
          })}
        </aside>
      ) : null}
      <nav className="phone-nav" aria-label={t('layout.phoneNav')}>
        <ul>
          {[{ id: 'stage', label: t('layout.stage') }, ...panels].map((panel) => (
            <li key={panel.id}>
              <button type="button" aria-current={current === panel.id ? 'true' : undefined} onClick={() => go(panel.id)}>
                {panel.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}
