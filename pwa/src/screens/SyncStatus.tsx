import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api/client';
import { reauthenticate } from '../device/account';
import { DeviceError } from '../device/errors';
import { getLang, t } from '../i18n';
import { getSyncStatus, requestSync, subscribe, type SyncStatus } from '../net/sync';
import { href } from '../router';
import { db } from '../store/db';
import { pendingSummary, type PendingSummary } from '../store/outbox';
import type { ReceiptRow } from '../store/types';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';

export function useSyncStatus(): SyncStatus {
  const [status, setStatus] = useState<SyncStatus>(getSyncStatus);
  useEffect(() => subscribe(setStatus), []);
  return status;
}

const when = (ms: number): string =>
  new Date(ms).toLocaleString(getLang() === 'en' ? 'en-GB' : 'vi-VN', { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' });

function errorOf(s: SyncStatus): string | null {
  return getLang() === 'en' ? (s.error_en ?? s.error_vi) : s.error_vi;
}

/** "N hồ sơ chưa đồng bộ, từ …" — or null when everything is synced. */
export function pendingText(p: PendingSummary): string | null {
  if (p.mutations === 0 && p.blobs === 0 && p.dossiers === 0) return null;
  const text = t('syncui.pending_summary', { dossiers: p.dossiers, changes: p.mutations, photos: p.blobs });
  return p.oldestAt === null ? text : `${text} · ${t('syncui.pending_since', { since: when(p.oldestAt) })}`;
}

/** Offline verdict of a dossier's receipt, loud when invalid. */
export function ReceiptBadge(props: { verdict: 'valid' | 'invalid' | 'unverified' | undefined; code?: string | undefined }): JSX.Element | null {
  if (!props.verdict) return null;
  const cls = props.verdict === 'valid' ? 'ok' : props.verdict === 'invalid' ? 'error' : 'muted';
  return (
    <span class={cls} role={props.verdict === 'invalid' ? 'alert' : undefined}>
      {t(`receipt.${props.verdict}`)}
      {props.code ? ` · ${props.code}` : ''}
    </span>
  );
}

/** One line under the top bar: syncing / offline / error / unsynced work; links to the sync screen. */
export function SyncBanner(): JSX.Element | null {
  const s = useSyncStatus();
  const pending = useLive(() => pendingSummary(), []);
  const conflicts = useLive(() => db().conflicts.where('status').equals('open').count(), []);
  const open = conflicts.status === 'ready' ? conflicts.value : 0;
  const text = pending.status === 'ready' ? pendingText(pending.value) : null;
  let line: string | null = null;
  if (s.phase === 'syncing') line = t('syncui.syncing');
  else if (s.phase === 'error') line = errorOf(s);
  else if (text) line = text;
  if (!line && open === 0) return null;
  // Inline sizing: whole-line links, at least 48 px high (touch target), no extra CSS needed.
  const link = { minHeight: '48px', display: 'inline-flex', alignItems: 'center' };
  return (
    <div class="banner" role={s.phase === 'error' ? 'alert' : undefined}>
      {line ? (
        <a href={href('/sync')} class={s.phase === 'error' ? 'error' : undefined} style={link}>
          {line}
        </a>
      ) : null}
      {open > 0 ? (
        <a href={href('/conflicts')} class="error" style={link}>
          {t('syncui.conflicts_open', { count: open })}
        </a>
      ) : null}
    </div>
  );
}

function Relogin(): JSX.Element {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await reauthenticate(password);
      setPassword('');
      void requestSync('manual');
    } catch (err) {
      const en = getLang() === 'en';
      if (err instanceof DeviceError) setError(en ? err.message_en : err.message_vi);
      else if (err instanceof NetworkError) setError(t('login.network_error'));
      else if (err instanceof ApiError) setError((en ? err.problem.message_en : undefined) ?? err.problem.message_vi ?? t('login.failed'));
      else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit} noValidate>
      <p>{t('syncui.relogin_hint')}</p>
      <div class="field">
        <label for="relogin-password">{t('login.password')}</label>
        <input id="relogin-password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <button class="button" type="submit" disabled={busy || !password}>
        {busy ? t('login.submitting') : t('syncui.relogin')}
      </button>
    </form>
  );
}

interface Problems {
  rows: { key: string; text: string }[];
  receipts: ReceiptRow[];
}

async function problems(): Promise<Problems> {
  const d = db();
  const en = getLang() === 'en';
  const outbox = await d.outbox.filter((r) => (r.state === 'pending' && !!r.error_vi) || r.state === 'rejected').toArray();
  const blobs = await d.blobs.where('state').equals('failed').toArray();
  const rows = [
    ...outbox.map((r) => ({
      key: `m${r.seq}`,
      text: t('syncui.problem_mutation', {
        entity: t(`syncui.entity.${r.entity === 'member' || r.entity === 'household' || r.entity === 'dossier' ? r.entity : 'other'}`),
        reason: (en ? (r.error_en ?? r.result?.message_en) : undefined) ?? r.error_vi ?? r.result?.message_vi ?? r.result?.code ?? '',
      }),
    })),
    ...blobs.map((b) => ({ key: `b${b.sha256}`, text: t('syncui.problem_photo', { reason: (en ? b.error_en : undefined) ?? b.error_vi ?? '' }) })),
  ];
  const receipts = (await d.receipts.toArray()).sort((a, b) => b.received_at.localeCompare(a.received_at)).slice(0, 20);
  return { rows, receipts };
}

/** Sync screen: state, unsynced work, "Đồng bộ ngay", problems, receipts. */
export function SyncStatusScreen(): JSX.Element {
  const s = useSyncStatus();
  const pending = useLive(() => pendingSummary(), []);
  const issues = useLive(() => problems(), []);
  const phase = t(`syncui.phase.${s.phase}`);
  const error = errorOf(s);
  return (
    <Screen title={t('syncui.title')} back="/settings">
      <p aria-live="polite">
        <strong>{phase}</strong>
      </p>
      <p class="muted">{s.lastSuccessAt ? t('syncui.last_success', { time: when(s.lastSuccessAt) }) : t('syncui.never')}</p>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {s.phase !== 'syncing' && s.nextRetryAt ? <p class="muted">{t('syncui.next_retry', { time: when(s.nextRetryAt) })}</p> : null}
      <LiveView live={pending}>{(p) => <p>{pendingText(p) ?? t('syncui.all_synced')}</p>}</LiveView>
      <button class="button" type="button" disabled={s.phase === 'syncing'} onClick={() => void requestSync('manual')}>
        {s.phase === 'syncing' ? t('syncui.syncing') : t('syncui.sync_now')}
      </button>
      {s.authExpired ? <Relogin /> : null}
      <a class="button button--ghost" href={href('/conflicts')}>
        {t('conflicts.title')}
      </a>
      <LiveView live={issues}>
        {(v) => (
          <>
            {v.rows.length > 0 ? (
              <>
                <h2>{t('syncui.problems')}</h2>
                <ul class="list">
                  {v.rows.map((r) => (
                    <li key={r.key} class="list-item error">
                      {r.text}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {v.receipts.length > 0 ? (
              <>
                <h2>{t('syncui.receipts')}</h2>
                <ul class="list">
                  {v.receipts.map((r) => (
                    <li key={r.id} class="list-item">
                      <span class="list-title">
                        <ReceiptBadge verdict={r.verdict} code={r.receipt_code} />
                      </span>
                      <span class="list-sub">
                        {r.received_at.slice(0, 16).replace('T', ' ')}
                        {r.reason_vi && r.verdict !== 'valid' ? ` — ${r.reason_vi}` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        )}
      </LiveView>
    </Screen>
  );
}
