/**
 * Lazily loaded screens (the dossier wizard, the officer console) with recovery: a failed dynamic
 * import is retried a few times, then shown as a Vietnamese message with "Thử lại" — never the
 * browser's raw "Failed to fetch dynamically imported module".
 *
 * Volunteer chunks are precached and the first install claims the page (src/pwa.ts), so offline a
 * failure should not happen; when it does (the precache was evicted, an old tab), a reload served
 * by the service worker is offered as the last step — drafts live in IndexedDB and survive it.
 */
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';

export interface LoadOptions {
  /** Further attempts after the first failure. */
  retries?: number;
  /** Pause before attempt k (1-based) is `delayMs * k`. */
  delayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `importer` until it resolves or the retries are spent; rethrows the last error. */
export async function loadWithRetry<M>(importer: () => Promise<M>, options: LoadOptions = {}): Promise<M> {
  const { retries = 2, delayMs = 400, sleep = pause } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await importer();
    } catch (error) {
      if (attempt >= retries) throw error;
      await sleep(delayMs * (attempt + 1));
    }
  }
}

export type LazyState<M> = { status: 'loading' } | { status: 'ready'; module: M } | { status: 'failed'; retry: () => void };

/**
 * Loads a module once per page (cached in `cache`); `retry` starts a fresh series of attempts.
 * `cache` is an object owned by the caller so each lazy screen keeps its own module.
 */
export function useLazyModule<M>(importer: () => Promise<M>, cache: { module?: M }): LazyState<M> {
  const [state, setState] = useState<LazyState<M>>(cache.module ? { status: 'ready', module: cache.module } : { status: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (cache.module) return;
    let live = true;
    setState({ status: 'loading' });
    loadWithRetry(importer).then(
      (module) => {
        cache.module = module;
        if (live) setState({ status: 'ready', module });
      },
      () => {
        if (live) setState({ status: 'failed', retry: () => setRound((n) => n + 1) });
      },
    );
    return () => {
      live = false;
    };
  }, [round]);
  return state;
}

/** What a lazy screen shows while loading or after its chunk could not be loaded. */
export function LazyFallback(props: { state: Exclude<LazyState<unknown>, { status: 'ready' }>; offlineHint?: string }): JSX.Element {
  if (props.state.status === 'loading') return <p class="muted">{t('common.loading')}</p>;
  const { retry } = props.state;
  const offline = typeof navigator !== 'undefined' && !navigator.onLine;
  return (
    <div class="stack" role="alert">
      <p class="error" style="margin:0">{t('lazy.failed')}</p>
      <p class="muted" style="margin:0">{props.offlineHint ?? (offline ? t('lazy.failed_offline') : t('lazy.failed_online'))}</p>
      <button class="button" type="button" onClick={retry}>
        {t('lazy.retry')}
      </button>
      <button class="button button--secondary" type="button" onClick={() => location.reload()}>
        {t('lazy.reload')}
      </button>
    </div>
  );
}

/**
 * A screen component that loads its module on first render (one chunk per `importer`) and shows
 * LazyFallback until then; the props are passed through unchanged.
 */
export function lazyScreen<P extends object>(importer: () => Promise<ComponentType<P>>): (props: P) => JSX.Element {
  const cache: { module?: { component: ComponentType<P> } } = {};
  const load = (): Promise<{ component: ComponentType<P> }> => importer().then((component) => ({ component }));
  return function LazyScreen(props: P): JSX.Element {
    const state = useLazyModule(load, cache);
    if (state.status !== 'ready') return <LazyFallback state={state} />;
    const Component = state.module.component;
    return <Component {...props} />;
  };
}
