import { useSyncExternalStore } from 'react';

/** The pages of the app, parsed from the address. */
export type Route =
  | { page: 'create' }
  | { page: 'join'; workshopId: string }
  | { page: 'workshop'; workshopId: string }
  | { page: 'documentation'; workshopId: string }
  | { page: 'notFound' };

/** Parses a pathname into a route. */
export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'create' };
  const join = /^\/w\/([\w-]{1,64})\/join\/?$/.exec(pathname);
  if (join?.[1]) return { page: 'join', workshopId: join[1] };
  const documentation = /^\/w\/([\w-]{1,64})\/documentation\/?$/.exec(pathname);
  if (documentation?.[1]) return { page: 'documentation', workshopId: documentation[1] };
  const workshop = /^\/w\/([\w-]{1,64})\/?$/.exec(pathname);
  if (workshop?.[1]) return { page: 'workshop', workshopId: workshop[1] };
  return { page: 'notFound' };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

/** Goes to another page of the app without reloading. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((listener) => listener());
}

/** The current pathname, re-rendering on navigation. */
export function usePathname(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => location.pathname,
  );
}
