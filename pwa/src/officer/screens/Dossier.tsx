/**
 * One dossier: what the volunteer sent (form, photos, consent), whether the device signature
 * holds, how it changed between signed revisions, conflicts and amendments to decide, the audit
 * trail, duplicates — and the actions the server allows now, each behind a confirmation dialog.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getJson, sendJson } from '../../api/http';
import { fmtDate, fmtDateTime } from '../format';
import { type OfficerKey, ot, pick } from '../i18n';
import { queueHref } from '../nav';
import type { ActionOut, DossierView, Result } from '../types';
import { AsyncView, FlagBadges, statusLabel, useAsync } from '../ui';
import { ActionDialog, ApologyDialog, ConfirmDialog, ResultDialog, SupplementDialog } from './dialogs';
import { Components, Duplicates, FormData, People, SignatureBanner } from './dossier/facts';
import { ApologyDraftBox, Conflicts, Documents, ResultBox, SupplementRequests } from './dossier/decisions';
import { Audit, Revisions } from './dossier/history';

type Open =
  | { kind: 'action'; action: string }
  | { kind: 'supplement' }
  | { kind: 'apology' }
  | { kind: 'result' }
  | { kind: 'conflict'; id: string; value: unknown; label: string }
  | { kind: 'dismiss'; id: string }
  | { kind: 'amendment'; id: string; decision: 'accept' | 'reject' };

export const ACTION_ORDER = ['receive', 'request_supplement', 'approve', 'issue_result', 'apologise', 'refuse', 'reject', 'stop'];

export function DossierScreen(props: { id: string }): JSX.Element {
  const [view, reload] = useAsync(() => getJson<DossierView>(`/api/review/dossiers/${encodeURIComponent(props.id)}`), [props.id]);
  return (
    <section aria-labelledby="oc-dossier-title">
      <a class="oc-btn oc-btn--ghost" href={queueHref()}>
        ← {ot('dossier.back')}
      </a>
      <AsyncView value={view}>{(v) => <DossierBody view={v} reload={reload} />}</AsyncView>
    </section>
  );
}

function DossierBody(props: { view: DossierView; reload: () => Promise<void> }): JSX.Element {
  const { view } = props;
  const d = view.dossier;
  const [open, setOpen] = useState<Open | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const close = (): void => setOpen(undefined);
  const finished = async (message: string): Promise<void> => {
    setOpen(undefined);
    setDone(message);
    await props.reload();
  };
  const onAction = (out: ActionOut): Promise<void> =>
    finished(ot('dossier.action_done', { status: statusLabel(out.status, out.status_label_vi) }) + (out.official_code ? ` — ${out.official_code}` : ''));
  const actions = ACTION_ORDER.filter((a) => view.allowed_actions.includes(a));

  return (
    <>
      <header class="oc-dossier-head">
        <h1 id="oc-dossier-title" tabIndex={-1}>
          {pick(view.procedure.name_vi, view.procedure.name_en)} — <span class="oc-code">{d.code}</span>
        </h1>
        <p>
          <strong>{statusLabel(d.status, d.status_label_vi)}</strong>
          {d.due_date ? <> · {ot('dossier.due', { date: fmtDate(d.due_date) })}</> : null}
          {d.received_at ? <> · {ot('dossier.received', { at: fmtDateTime(d.received_at) })}</> : null}
          {d.outcome ? <> · {ot(d.outcome === 'rejected' ? 'dossier.outcome_rejected' : 'dossier.outcome_approved')}</> : null}
        </p>
        <FlagBadges flags={view.flags} status={d.status} />
      </header>

      <SignatureBanner signature={view.signature} />
      {done ? (
        <p class="oc-success" role="status">
          {done}
        </p>
      ) : null}
      {view.duplicates.length ? <Duplicates view={view} /> : null}

      <div class="oc-grid">
        <div class="oc-col">
          <People view={view} />
          <FormData entries={view.form} />
          <Components view={view} />
        </div>
        <div class="oc-col">
          <section class="oc-card" aria-labelledby="oc-actions-title">
            <h2 id="oc-actions-title">{ot('dossier.actions')}</h2>
            {actions.length ? (
              <div class="oc-actions">
                {actions.map((a) => (
                  <button
                    key={a}
                    type="button"
                    class={`oc-btn ${['refuse', 'reject', 'stop'].includes(a) ? 'oc-btn--danger-outline' : a === 'receive' || a === 'approve' || a === 'issue_result' ? 'oc-btn--primary' : ''}`}
                    onClick={() =>
                      setOpen(
                        a === 'request_supplement' ? { kind: 'supplement' } : a === 'apologise' ? { kind: 'apology' } : a === 'issue_result' ? { kind: 'result' } : { kind: 'action', action: a },
                      )
                    }
                  >
                    {ot(`action.${a}` as OfficerKey)}
                  </button>
                ))}
              </div>
            ) : (
              <p class="oc-muted">{ot('dossier.no_actions')}</p>
            )}
            <Documents view={view} />
          </section>
          {view.flags.overdue && view.allowed_actions.includes('apologise') ? <ApologyDraftBox id={d.id} onRecord={() => setOpen({ kind: 'apology' })} /> : null}
          {view.result ? <ResultBox result={view.result} /> : null}
          <SupplementRequests view={view} />
          <Conflicts view={view} onResolve={(id, value, label) => setOpen({ kind: 'conflict', id, value, label })} onDismiss={(id) => setOpen({ kind: 'dismiss', id })} onDecide={(id, decision) => setOpen({ kind: 'amendment', id, decision })} />
          <Revisions view={view} />
          <Audit view={view} />
        </div>
      </div>

      {open?.kind === 'action' ? <ActionDialog view={view} action={open.action} onDone={(o) => void onAction(o)} onClose={close} /> : null}
      {open?.kind === 'supplement' ? <SupplementDialog view={view} onDone={(o) => void onAction(o)} onClose={close} /> : null}
      {open?.kind === 'apology' ? <ApologyDialog view={view} onDone={(o) => void onAction(o)} onClose={close} /> : null}
      {open?.kind === 'result' ? <ResultDialog view={view} onDone={(r: Result) => void finished(ot('result.issued', { code: r.official_code }))} onClose={close} /> : null}
      {open?.kind === 'conflict' ? (
        <ConfirmDialog
          title={ot('conflict.resolve_title')}
          message={ot('conflict.resolve_confirm', { value: open.label })}
          confirmLabel={ot('conflict.resolve')}
          onConfirm={async () => {
            await sendJson(`/api/sync/conflicts/${encodeURIComponent(open.id)}/resolve`, { value: open.value });
            await finished(ot('conflict.resolved'));
          }}
          onClose={close}
        />
      ) : null}
      {open?.kind === 'dismiss' ? (
        <ConfirmDialog
          title={ot('conflict.dismiss_title')}
          message={ot('conflict.dismiss_confirm')}
          confirmLabel={ot('conflict.dismiss')}
          reason="required"
          onConfirm={async (reason) => {
            await sendJson(`/api/sync/conflicts/${encodeURIComponent(open.id)}/dismiss`, { reason });
            await finished(ot('conflict.dismissed'));
          }}
          onClose={close}
        />
      ) : null}
      {open?.kind === 'amendment' ? (
        <ConfirmDialog
          title={ot(open.decision === 'accept' ? 'amendment.accept' : 'amendment.reject')}
          message={ot(open.decision === 'accept' ? 'amendment.accept_confirm' : 'amendment.reject_confirm')}
          confirmLabel={ot(open.decision === 'accept' ? 'amendment.accept' : 'amendment.reject')}
          reason="optional"
          danger={open.decision === 'reject'}
          onConfirm={async (reason) => {
            await sendJson(`/api/sync/amendments/${encodeURIComponent(open.id)}/decide`, { decision: open.decision, reason });
            await finished(ot('amendment.decided'));
          }}
          onClose={close}
        />
      ) : null}
    </>
  );
}
