/**
 * Tiny hash router: routes are "#/segment/segment". Hash routing keeps every screen at the same
 * URL ("/"), so the precached index.html serves all of them offline without server help.
 */
import { useEffect, useState } from 'preact/hooks';

export function currentPath(): string {
  const hash = globalThis.location?.hash ?? '';
  const path = hash.replace(/^#/, '');
  return path.startsWith('/') ? path : '/';
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onChange = (): void => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    // A link followed between the first render and this effect (a lazily loaded screen, a
    // tap during start-up) fired its hashchange before anyone listened: read the hash again.
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export function href(path: string): string {
  return `#${path}`;
}

/**
 * Match "/households/:id" against "/households/abc" → {id: "abc"}; undefined when it does not match.
 * Parameters are URI-decoded.
 */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('?')[0]!.split('/').filter(Boolean);
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i]!;
    const seg = s[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(seg);
    else if (part !== seg) return undefined;
  }
  return params;
}

/** A query parameter of a hash path ("/procedures?household=h1" → "h1"). */
export function queryParam(path: string, name: string): string | undefined {
  const query = path.split('?')[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get(name) ?? undefined);
}
