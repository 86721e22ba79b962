/** Small building blocks of the console: modal dialog, error box, flag badges, async loader. */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './http-ui';
import { ot, pick, type OfficerKey } from './i18n';
import type { Flags } from './types';

let dialogSeq = 0;

/**
 * Modal dialog: labelled by its title, Escape and the close button cancel, focus moves to the
 * first field on open and back to the opener on close; Tab stays inside.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
}): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const [titleId] = useState(() => `oc-dialog-${++dialogSeq}`);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('textarea, input, select, button:not(.oc-dialog__close)');
    (first ?? box.current)?.focus();
    return () => opener?.focus?.();
  }, []);
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      props.onClose();
    } else if (e.key === 'Tab' && box.current) {
      const items = [...box.current.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea')].filter(
        (el) => !(el as HTMLButtonElement).disabled,
      );
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  return (
    <div class="oc-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        class={`oc-dialog${props.wide ? ' oc-dialog--wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        ref={box}
        onKeyDown={onKey}
      >
        <div class="oc-dialog__head">
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" class="oc-btn oc-btn--ghost oc-dialog__close" aria-label={ot('common.close')} onClick={props.onClose}>
            ×
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}

/** The server's message (Vietnamese first) and any per-item errors it listed. */
export function ErrorBox(props: { error: unknown }): JSX.Element | null {
  if (props.error === undefined || props.error === null) return null;
  const e = props.error as { problem?: { errors?: Record<string, unknown>[] } };
  const items = e.problem?.errors ?? [];
  return (
    <div class="oc-error" role="alert">
      <p>{errorText(props.error)}</p>
      {items.length ? (
        <ul>
          {items.slice(0, 30).map((item, i) => (
            <li key={i}>
              {[item.field ?? item.loc ?? item.row, pick(item.message_vi as string, item.message_en as string) || item.message]
                .filter((x) => x !== undefined && x !== null && x !== '')
                .join(': ')}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Badge(props: { tone: 'red' | 'amber' | 'blue' | 'grey' | 'green' | 'loud'; children: ComponentChildren; title?: string }): JSX.Element {
  return (
    <span class={`oc-badge oc-badge--${props.tone}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** Flags as badges, the most serious first. An invalid signature is LOUD. */
export function FlagBadges(props: { flags: Flags; status?: string }): JSX.Element {
  const f = props.flags;
  const out: JSX.Element[] = [];
  if (f.signature_valid === false) out.push(<Badge key="sig" tone="loud">{ot('flag.signature_invalid')}</Badge>);
  if (f.overdue) out.push(<Badge key="od" tone="red">{ot('flag.overdue')}</Badge>);
  if (f.due_soon) out.push(<Badge key="ds" tone="amber">{ot('flag.due_soon')}</Badge>);
  if (f.has_conflict) out.push(<Badge key="cf" tone="blue">{ot('flag.conflict')}</Badge>);
  if (f.possible_duplicate) out.push(<Badge key="dup" tone="blue">{ot('flag.duplicate')}</Badge>);
  if (!f.attachments_complete) out.push(<Badge key="att" tone="grey">{ot('flag.attachments_missing')}</Badge>);
  return <span class="oc-badges">{out}</span>;
}

export function statusLabel(status: string, serverLabelVi?: string): string {
  const key = `status.${status}` as OfficerKey;
  const known = ot(key);
  return known === undefined || known === key ? (serverLabelVi ?? status) : known;
}

export type Async<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };

/** Load once per `deps`; `reload()` fetches again and keeps showing the old value meanwhile. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): [Async<T>, () => Promise<void>] {
  const [state, setState] = useState<Async<T>>({ state: 'loading' });
  const seq = useRef(0);
  const run = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const value = await load();
      if (mine === seq.current) setState({ state: 'ready', value });
    } catch (error) {
      if (mine === seq.current) setState({ state: 'error', error });
    }
  }, deps);
  useEffect(() => {
    setState({ state: 'loading' });
    void run();
  }, [run]);
  return [state, run];
}

export function AsyncView<T>(props: { value: Async<T>; children: (value: T) => JSX.Element }): JSX.Element {
  const v = props.value;
  if (v.state === 'loading') return <p class="oc-muted" aria-live="polite">{ot('common.loading')}</p>;
  if (v.state === 'error') return <ErrorBox error={v.error} />;
  return props.children(v.value);
}
