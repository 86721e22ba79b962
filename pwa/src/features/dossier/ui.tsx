/** Small shared pieces of the dossier screens. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getLang, localized, t, type MessageKey } from '../../i18n';
import { formatBytes } from '../../media/compress';
import { getBlob } from '../../store/blobs';
import type { TaskRow } from '../../store/types';
import { formatDuration, FILL_TARGET_SECONDS } from './model';
import { supplementItems } from './status';
import type { LocalSyncState } from './types';
import './dossier.css';

/** The dossier's word: "Bản nháp", "Đã ký, chờ gửi", "Đã gửi — biên nhận AB12-CD34"… */
export function SyncBadge(props: { state: LocalSyncState; code?: string | undefined }): JSX.Element {
  const text = props.state === 'sent' && props.code ? t('dstate.sent_receipt', { code: props.code }) : t(`dstate.${props.state}` as MessageKey);
  return <span class={`state state--${props.state}`}>{text}</span>;
}

/** "12/03/2026 08:15" (local time); the date alone for YYYY-MM-DD values. */
export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split('-');
    return `${d}/${m}/${y}`;
  }
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${pad(at.getDate())}/${pad(at.getMonth() + 1)}/${at.getFullYear()} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export function duration(seconds: number): string {
  return formatDuration(seconds, getLang());
}

export function FillTime(props: { seconds: number }): JSX.Element {
  const ok = props.seconds < FILL_TARGET_SECONDS;
  return (
    <p class={ok ? 'ok' : 'muted'}>
      {t('dossier.fill_time', { time: duration(props.seconds) })} — {t(ok ? 'dossier.fill_target_ok' : 'dossier.fill_target_over')}
    </p>
  );
}

export function size(bytes: number): string {
  return formatBytes(bytes, getLang());
}

/** Thumbnail of a stored blob (object URL revoked on unmount); PDFs get a label instead. */
export function BlobThumb(props: { sha256: string; type: string; alt: string }): JSX.Element {
  const [url, setUrl] = useState<string | undefined>();
  const [missing, setMissing] = useState(false);
  const isPdf = props.type === 'application/pdf';
  useEffect(() => {
    if (isPdf) return;
    let made: string | undefined;
    let live = true;
    getBlob(props.sha256).then(
      (blob) => {
        if (!live) return;
        if (!blob) return setMissing(true);
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => live && setMissing(true),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [props.sha256, isPdf]);
  if (isPdf) return <span class="thumb-pdf" role="img" aria-label={props.alt}>{t('docs.pdf')}</span>;
  if (missing) return <span class="thumb-pdf" role="img" aria-label={props.alt}>{t('docs.file_missing')}</span>;
  return url ? <img src={url} alt={props.alt} /> : <span class="thumb-pdf" aria-hidden="true">…</span>;
}

/** The officer's supplement request: reason, who and when, and the items to fix. */
export function SupplementBox(props: { task: TaskRow }): JSX.Element {
  const { task } = props;
  const items = supplementItems(task);
  return (
    <section class="task" aria-labelledby={`task-${task.id}`}>
      <h2 id={`task-${task.id}`} style="margin:0">{t('dossier.supplement_title')}</h2>
      {task.reason ? <p style="margin:0">{t('dossier.supplement_reason', { reason: task.reason })}</p> : null}
      {task.requested_by_name || task.requested_at ? (
        <p class="muted" style="margin:0">
          {t('dossier.supplement_by', { name: task.requested_by_name ?? '', date: formatWhen(task.requested_at) })}
        </p>
      ) : null}
      {items.length ? (
        <>
          <p style="margin:0;font-weight:600">{t('dossier.supplement_items')}</p>
          <ul>
            {items.map((item, i) => (
              <li key={i}>
                {item.label_vi ? <strong>{item.label_vi}: </strong> : null}
                {item.problem}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function kindsLabel(accepted: readonly string[]): string {
  return accepted.map((k) => (k === 'image' || k === 'pdf' ? t(`docs.kind.${k}`) : k)).join(', ');
}

export { localized };
