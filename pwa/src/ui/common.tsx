import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';
import { href } from '../router';
import type { Live } from './hooks';

/** Screen wrapper: one h1 per screen, focused on navigation so screen readers announce it. */
export function Screen(props: { title: string; back?: string; children: ComponentChildren }): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [props.title]);
  return (
    <section class="screen">
      <div class="screen-head">
        {props.back !== undefined ? (
          <a class="button button--ghost back" href={href(props.back)}>
            ← {t('common.back')}
          </a>
        ) : null}
        <h1 tabIndex={-1} ref={heading}>
          {props.title}
        </h1>
      </div>
      {props.children}
    </section>
  );
}

/** Renders the loading / error states of a live query and hands the value to `children`. */
export function LiveView<T>(props: { live: Live<T>; children: (value: T) => JSX.Element }): JSX.Element {
  const { live } = props;
  if (live.status === 'loading') return <p class="muted" aria-live="polite">{t('common.loading')}</p>;
  if (live.status === 'error') {
    return (
      <p class="error" role="alert">
        {t('common.error', { message: live.error instanceof Error ? live.error.message : String(live.error) })}
      </p>
    );
  }
  return props.children(live.value);
}
