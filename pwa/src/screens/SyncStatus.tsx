import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { HttpError, OfflineError } from '../api/http';
import { reauthenticate } from '../device/account';
import { DeviceError } from '../device/errors';
import { getLang, t } from '../i18n';
import { getSyncStatus, requestSync, subscribe, type SyncStatus } from '../net/sync';
import type { PullProgress } from '../net/pull';
import { href } from '../router';
import { db } from '../store/db';
import { nothingPending, pendingSummary, type PendingSummary } from '../store/outbox';
import { formatAge } from '../ui/age';
import type { ReceiptRow } from '../store/types';
import { LiveView, Screen } from '../ui/common';
import { countDrafts } from '../features/dossier/status';
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

/**
 * What has not left the phone, or null when nothing waits: "Đã ký, chờ gửi: 2 hồ sơ · chờ 3 giờ",
 * then other changes and files. Consent signatures travel with their dossier and are not counted
 * as photos; unsigned drafts are not unsynced work and are not counted here.
 */
export function pendingText(p: PendingSummary, nowMs: number = Date.now()): string | null {
  if (nothingPending(p)) return null;
  const age = p.oldestAt === null ? undefined : formatAge(p.oldestAt, nowMs);
  const parts: string[] = [];
  if (p.dossiers > 0) parts.push(t('syncui.waiting_summary', { count: p.dossiers }));
  // Dossier mutations of an unknown dossier (legacy rows) still count as changes.
  const changes = p.dossiers > 0 ? p.changes : p.mutations;
  if (changes > 0) parts.push(t('syncui.pending_changes', { count: changes }));
  if (p.files > 0) parts.push(t('syncui.pending_files', { count: p.files }));
  if (parts.length === 0) parts.push(t('syncui.pending_changes', { count: p.signatures }));
  return age ? `${parts.join(' · ')} · ${t('syncui.waiting_age', { age })}` : parts.join(' · ');
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

/** The status bar's words for what waits: short enough for two lines at 360 px. */
export function statusLine(p: PendingSummary, nowMs: number = Date.now()): string | null {
  if (nothingPending(p)) return null;
  const age = p.oldestAt === null ? undefined : formatAge(p.oldestAt, nowMs);
  const what = p.dossiers > 0 ? t('syncui.waiting_summary', { count: p.dossiers }) : t('syncui.pending_changes', { count: p.mutations + p.blobs });
  return age ? `${what} · ${t('syncui.waiting_age', { age })}` : what;
}

/** "Đang tải dữ liệu: 120 KB, còn khoảng 8 giây" while a (first) pull runs. */
export function pullingLine(p: PullProgress): string {
  const kb = Math.max(1, Math.round(p.bytes / 1024));
  return p.etaSeconds ? t('syncui.pulling_eta', { kb, seconds: p.etaSeconds }) : t('syncui.pulling', { kb });
}

export interface SyncLine {
  text: string;
  kind: 'error' | 'syncing' | 'waiting' | 'idle' | 'loading';
  conflicts: number;
}

/**
 * What the status bar says about sync (src/app.tsx StatusBar): error / syncing / what waits / last
 * success, and the number of open conflicts.
 */
export function useSyncLine(): SyncLine {
  const s = useSyncStatus();
  const pending = useLive(() => pendingSummary(), []);
  const conflicts = useLive(() => db().conflicts.where('status').equals('open').count(), []);
  const open = conflicts.status === 'ready' ? conflicts.value : 0;
  const waiting = pending.status === 'ready' ? statusLine(pending.value) : null;
  if (s.phase === 'error') return { text: errorOf(s) ?? t('syncui.phase.error'), kind: 'error', conflicts: open };
  if (s.phase === 'syncing' && s.pulling) return { text: pullingLine(s.pulling), kind: 'syncing', conflicts: open };
  if (s.phase === 'syncing') return { text: t('syncui.syncing'), kind: 'syncing', conflicts: open };
  if (waiting) return { text: waiting, kind: 'waiting', conflicts: open };
  if (pending.status !== 'ready') return { text: '', kind: 'loading', conflicts: open };
  return { text: s.lastSuccessAt ? t('statusbar.synced', { time: when(s.lastSuccessAt) }) : t('syncui.never'), kind: 'idle', conflicts: open };
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
      else if (err instanceof OfflineError) setError(t('login.network_error'));
      else if (err instanceof HttpError) setError((en ? err.problem.message_en : undefined) ?? err.problem.message_vi ?? t('login.failed'));
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
  const drafts = useLive(() => countDrafts(), []);
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
      <LiveView live={pending}>{(p) => <p data-testid="pending">{pendingText(p) ?? t('syncui.all_synced')}</p>}</LiveView>
      {drafts.status === 'ready' && drafts.value > 0 ? (
        <p class="muted">
          <a href={href('/dossiers')}>{t('syncui.drafts_note', { count: drafts.value })}</a>
        </p>
      ) : null}
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
