import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate } from '../../app/router.js';

/** A link to another page of the app that keeps the tab's connection (no reload); new tabs work as usual. */
export function InAppLink({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
