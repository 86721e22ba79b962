/**
 * One dossier: what the volunteer sent (form, photos, consent), whether the device signature
 * holds, how it changed between signed revisions, conflicts and amendments to decide, the audit
 * trail, duplicates — and the actions the server allows now, each behind a confirmation dialog.
 */
import { Fragment, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getJson, sendJson } from '../../api/http';
import { openFile } from '../http-ui';
import { fmtDate, fmtDateTime, fmtValue } from '../format';
import { ot, pick, type OfficerKey } from '../i18n';
import { consoleHref, queueHref } from '../nav';
import type { ActionOut, ApologyDraft, Change, ChangedFile, DossierView, FormEntry, Result, SignatureCheck } from '../types';
import { AsyncView, Badge, ErrorBox, FlagBadges, statusLabel, useAsync } from '../ui';
import { ActionDialog, ApologyDialog, ConfirmDialog, ResultDialog, SupplementDialog } from './dialogs';
import { Thumb } from './viewer';

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

export function SignatureBanner(props: { signature: SignatureCheck | null }): JSX.Element {
  const s = props.signature;
  if (!s) {
    return (
      <div class="oc-sig oc-sig--none" role="note">
        <strong>{ot('sig.none')}</strong>
      </div>
    );
  }
  if (!s.valid) {
    return (
      <div class="oc-sig oc-sig--invalid" role="alert">
        <p class="oc-sig__title">⚠ {ot('sig.invalid_title')}</p>
        <p>{pick(s.message_vi, s.message_en)}</p>
        <p>
          {ot('sig.code', { code: s.code })} · {ot('sig.device', { device: s.device_label || s.device_id })} · {ot('sig.volunteer', { name: s.volunteer_name })} ·{' '}
          {ot('sig.signed_at', { at: fmtDateTime(s.signed_at) })}
        </p>
        <p>{ot('sig.invalid_advice')}</p>
      </div>
    );
  }
  return (
    <div class="oc-sig oc-sig--valid" role="note">
      <p>
        <strong>✓ {ot('sig.valid')}</strong> — {pick(s.message_vi, s.message_en)}
      </p>
      <p class="oc-muted">
        {ot('sig.device', { device: s.device_label || s.device_id })} · {ot('sig.volunteer', { name: s.volunteer_name })} · {ot('sig.signed_at', { at: fmtDateTime(s.signed_at) })} ·{' '}
        {ot('sig.received_at', { at: fmtDateTime(s.received_at) })} · {s.alg} · {s.key_id}
      </p>
      {s.device_revoked_at ? <p>{ot('sig.revoked_later', { at: fmtDateTime(s.device_revoked_at) })}</p> : null}
      {!s.matches_current_data ? <p class="oc-warn">{ot('sig.changed_since')}</p> : null}
    </div>
  );
}

function Duplicates(props: { view: DossierView }): JSX.Element {
  return (
    <div class="oc-warnbox" role="alert">
      <strong>{ot('dup.title')}</strong>
      <ul>
        {props.view.duplicates.map((x) => (
          <li key={x.id}>
            <a href={consoleHref({ tab: 'dossier', id: x.id })}>{x.code}</a> — {x.applicant_name} · {statusLabel(x.status, x.status_label_vi)} · {fmtDateTime(x.created_at)} ·{' '}
            {ot(x.match === 'cccd' ? 'dup.by_cccd' : 'dup.by_member')}
          </li>
        ))}
      </ul>
    </div>
  );
}

function People(props: { view: DossierView }): JSX.Element {
  const { applicant, household, village, volunteer } = props.view;
  return (
    <section class="oc-card" aria-labelledby="oc-people">
      <h2 id="oc-people">{ot('dossier.applicant')}</h2>
      <dl class="oc-dl">
        <dt>{ot('col.applicant')}</dt>
        <dd>{applicant?.full_name ?? '—'}</dd>
        <dt>{ot('person.dob')}</dt>
        <dd>{fmtDate(applicant?.date_of_birth)}</dd>
        <dt>{ot('person.cccd')}</dt>
        <dd class="oc-mono">{applicant?.cccd ?? '—'}</dd>
        <dt>{ot('person.phone')}</dt>
        <dd>{props.view.dossier.contact_phone ?? applicant?.phone ?? '—'}</dd>
        <dt>{ot('person.address')}</dt>
        <dd>{household?.address ?? '—'}</dd>
        <dt>{ot('col.village')}</dt>
        <dd>{village.name}</dd>
        <dt>{ot('col.volunteer')}</dt>
        <dd>{volunteer.name}</dd>
      </dl>
    </section>
  );
}

function displayText(entry: FormEntry): string {
  const d = entry.display;
  if (d === null || d === undefined || d === '') return '—';
  return typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' ? String(d) : JSON.stringify(d);
}

export function FormData(props: { entries: FormEntry[] }): JSX.Element {
  return (
    <section class="oc-card" aria-labelledby="oc-form">
      <h2 id="oc-form">{ot('dossier.form')}</h2>
      <table class="oc-table oc-table--kv">
        <tbody>
          {props.entries.filter((e) => e.visible !== false).map((e) =>
            e.type === 'repeat' && Array.isArray(e.display) ? (
              <tr key={e.key}>
                <th scope="row">{pick(e.label_vi, e.label_en)}</th>
                <td>
                  {(e.display as FormEntry[][]).length ? (
                    (e.display as FormEntry[][]).map((row, i) => (
                      <dl key={i} class="oc-dl oc-dl--row">
                        {row.map((sub) => (
                          <Fragment key={sub.key}>
                            <dt>{pick(sub.label_vi, sub.label_en)}</dt>
                            <dd>{displayText(sub)}</dd>
                          </Fragment>
                        ))}
                      </dl>
                    ))
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ) : (
              <tr key={e.key} class={e.required && (e.value === null || e.value === '') ? 'oc-row--missing' : ''}>
                <th scope="row">
                  {pick(e.label_vi, e.label_en)}
                  {e.required ? <span class="oc-req" aria-label={ot('common.required')}> *</span> : null}
                </th>
                <td>{displayText(e)}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </section>
  );
}

function Components(props: { view: DossierView }): JSX.Element {
  const { components, consent } = props.view;
  return (
    <section class="oc-card" aria-labelledby="oc-comp">
      <h2 id="oc-comp">{ot('dossier.components')}</h2>
      {components.map((c) => (
        <div key={c.code} class="oc-component">
          <h3>
            {pick(c.name_vi, c.name_en)}{' '}
            {c.required ? <Badge tone="grey">{ot('comp.required', { min: c.min_count })}</Badge> : <Badge tone="grey">{ot('comp.optional')}</Badge>}{' '}
            {!c.complete ? <Badge tone="red">{ot('comp.missing', { count: c.missing_count })}</Badge> : <Badge tone="green">{ot('comp.complete')}</Badge>}
          </h3>
          <div class="oc-thumbs">
            {c.attachments.length ? c.attachments.map((a, i) => <Thumb key={a.sha256} attachment={a} label={`${pick(c.name_vi, c.name_en)} (${i + 1})`} />) : <p class="oc-muted">{ot('comp.none')}</p>}
          </div>
        </div>
      ))}
      <div class="oc-component">
        <h3>{ot('consent.title')}</h3>
        {consent ? (
          <>
            <p>{ot('consent.by', { name: consent.signer_name, at: fmtDateTime(consent.signed_at) })}</p>
            <div class="oc-thumbs">
              <Thumb attachment={{ sha256: consent.signature_sha256, present: consent.present, url: consent.url, content_type: 'image/png', size: null, width: null, height: null }} label={ot('consent.title')} />
            </div>
          </>
        ) : (
          <p class="oc-warn">{ot('consent.none')}</p>
        )}
      </div>
    </section>
  );
}

function Documents(props: { view: DossierView }): JSX.Element | null {
  const [error, setError] = useState<unknown>();
  const docs = props.view.documents;
  if (!docs.length && !props.view.result) return null;
  return (
    <div class="oc-docs">
      <h3>{ot('dossier.documents')}</h3>
      <ul>
        {docs.map((doc) => (
          <li key={doc.kind}>
            <button type="button" class="oc-link" onClick={() => openFile(doc.url).catch(setError)}>
              {doc.title_vi}
            </button>
          </li>
        ))}
        {props.view.result ? (
          <li>
            <button type="button" class="oc-link" onClick={() => openFile(props.view.result!.pdf_url).catch(setError)}>
              {ot('result.pdf')}
            </button>
          </li>
        ) : null}
      </ul>
      <ErrorBox error={error} />
    </div>
  );
}

function ApologyDraftBox(props: { id: string; onRecord: () => void }): JSX.Element {
  const [draft] = useAsync(() => getJson<ApologyDraft>(`/api/review/dossiers/${encodeURIComponent(props.id)}/apology-draft`), [props.id]);
  return (
    <section class="oc-card oc-card--overdue" aria-labelledby="oc-apology">
      <h2 id="oc-apology">{ot('apology.draft_title')}</h2>
      <AsyncView value={draft}>
        {(a) => (
          <>
            <p>{ot('apology.proposed', { date: fmtDate(a.proposed_date), due: fmtDate(a.due_date) })}</p>
            <blockquote class="oc-letter">{a.text}</blockquote>
            <div class="oc-row">
              <button type="button" class="oc-btn" onClick={() => void openFile(a.pdf_url).catch(() => undefined)}>
                {ot('apology.preview')}
              </button>
              <button type="button" class="oc-btn oc-btn--primary" onClick={props.onRecord}>
                {ot('apology.record')}
              </button>
            </div>
          </>
        )}
      </AsyncView>
    </section>
  );
}

function ResultBox(props: { result: Result }): JSX.Element {
  const r = props.result;
  return (
    <section class="oc-card" aria-labelledby="oc-result">
      <h2 id="oc-result">{ot('result.title')}</h2>
      <dl class="oc-dl">
        <dt>{ot('result.outcome')}</dt>
        <dd>{ot(r.outcome === 'rejected' ? 'dossier.outcome_rejected' : 'dossier.outcome_approved')}</dd>
        <dt>{ot('result.kind')}</dt>
        <dd>{r.document_kind}</dd>
        <dt>{ot('result.number')}</dt>
        <dd>{r.document_number || '—'}</dd>
        <dt>{ot('result.summary')}</dt>
        <dd>{r.summary}</dd>
        <dt>{ot('result.issued_at')}</dt>
        <dd>{fmtDateTime(r.issued_at)}</dd>
        <dt>{ot('result.hash')}</dt>
        <dd class="oc-mono">{r.result_sha256}</dd>
      </dl>
    </section>
  );
}

function SupplementRequests(props: { view: DossierView }): JSX.Element | null {
  const list = props.view.supplement_requests;
  if (!list.length) return null;
  return (
    <section class="oc-card" aria-labelledby="oc-supp">
      <h2 id="oc-supp">{ot('supplement.history')}</h2>
      {list.map((r) => (
        <div key={r.id} class="oc-entry">
          <p>
            <Badge tone={r.status === 'open' ? 'amber' : 'grey'}>{ot(`supplement.status.${r.status}` as OfficerKey)}</Badge> {fmtDateTime(r.requested_at)} · {r.requested_by_name}
          </p>
          <p>{r.reason}</p>
          <ul>
            {r.items.map((it, i) => (
              <li key={i}>
                <strong>{it.label_vi ?? it.component_code ?? it.field}</strong>: {it.problem}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Conflicts(props: {
  view: DossierView;
  onResolve: (id: string, value: unknown, label: string) => void;
  onDismiss: (id: string) => void;
  onDecide: (id: string, decision: 'accept' | 'reject') => void;
}): JSX.Element | null {
  const { conflicts, amendments } = props.view;
  const labels = new Map(props.view.form.map((f) => [f.key, pick(f.label_vi, f.label_en)]));
  const label = (field: string): string => labels.get(field.replace(/^form_data\./, '')) ?? field;
  if (!conflicts.length && !amendments.length) return null;
  return (
    <section class="oc-card" aria-labelledby="oc-conf">
      <h2 id="oc-conf">{ot('conflict.title')}</h2>
      {conflicts.map((c) => (
        <div key={c.id} class="oc-entry">
          <p>
            <strong>{label(c.field)}</strong> <Badge tone={c.status === 'open' ? 'blue' : 'grey'}>{ot(c.status === 'open' ? 'conflict.open' : 'conflict.closed')}</Badge> · {fmtDateTime(c.created_at)}
          </p>
          <table class="oc-table oc-table--kv">
            <tbody>
              <tr>
                <th scope="row">{ot('conflict.base')}</th>
                <td>{c.base_text ?? fmtValue(c.base_value)}</td>
              </tr>
              <tr>
                <th scope="row">{ot('conflict.current')}</th>
                <td>{c.current_text ?? fmtValue(c.current_value)}</td>
              </tr>
              <tr>
                <th scope="row">{ot('conflict.proposed')}</th>
                <td>{c.proposed_text ?? fmtValue(c.proposed_value)}</td>
              </tr>
              {c.status !== 'open' ? (
                <tr>
                  <th scope="row">{ot('conflict.resolved_value')}</th>
                  <td>
                    {c.resolved_text ?? fmtValue(c.resolved_value)} {c.resolved_by_name ? `· ${c.resolved_by_name}` : ''} {c.resolved_at ? `· ${fmtDateTime(c.resolved_at)}` : ''}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
          {c.status === 'open' ? (
            <div class="oc-row">
              <button type="button" class="oc-btn" onClick={() => props.onResolve(c.id, c.current_value, c.current_text ?? fmtValue(c.current_value))}>
                {ot('conflict.keep_current')}
              </button>
              <button type="button" class="oc-btn" onClick={() => props.onResolve(c.id, c.proposed_value, c.proposed_text ?? fmtValue(c.proposed_value))}>
                {ot('conflict.take_proposed')}
              </button>
              <button type="button" class="oc-btn" onClick={() => props.onDismiss(c.id)}>
                {ot('conflict.dismiss')}
              </button>
            </div>
          ) : null}
        </div>
      ))}
      {amendments.map((a) => (
        <div key={a.id} class="oc-entry">
          <p>
            <strong>{ot('amendment.title')}</strong> <Badge tone={a.status === 'pending' ? 'blue' : 'grey'}>{ot(`amendment.status.${a.status}` as OfficerKey)}</Badge> · {fmtDateTime(a.created_at)}
            {a.decided_by_name ? ` · ${a.decided_by_name}` : ''}
          </p>
          <table class="oc-table oc-table--kv">
            <tbody>
              {Object.entries(amendmentFields(a.fields)).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{label(k)}</th>
                  <td>{fmtValue(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {a.reason ? <p class="oc-muted">{a.reason}</p> : null}
          {a.status === 'pending' ? (
            <div class="oc-row">
              <button type="button" class="oc-btn oc-btn--primary" onClick={() => props.onDecide(a.id, 'accept')}>
                {ot('amendment.accept')}
              </button>
              <button type="button" class="oc-btn oc-btn--danger-outline" onClick={() => props.onDecide(a.id, 'reject')}>
                {ot('amendment.reject')}
              </button>
            </div>
          ) : null}
        </div>
      ))}
    </section>
  );
}

/** An amendment's fields, with `form_data` spread out so each form field gets its own row. */
function amendmentFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'form_data' && v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

function ChangedFiles(props: { files: ChangedFile[] | undefined; label: string }): JSX.Element {
  const files = props.files ?? [];
  if (!files.length) return <>—</>;
  return (
    <div class="oc-thumbs oc-thumbs--small">
      {files.map((f, i) => (
        <Thumb key={`${f.sha256}-${i}`} attachment={{ sha256: f.sha256, present: f.present, url: f.url, content_type: f.is_image ? 'image/jpeg' : 'application/pdf', size: null, width: null, height: null }} label={`${props.label} (${i + 1})`} />
      ))}
    </div>
  );
}

function ChangeRow(props: { change: Change }): JSX.Element {
  const c = props.change;
  const isComponent = c.path.startsWith('components.');
  if (isComponent) {
    return (
      <tr class={`oc-diff oc-diff--${c.kind}`}>
        <th scope="row">{c.label_vi}</th>
        <td>{c.summary_vi ?? ot(`diff.${c.kind}` as OfficerKey)}</td>
        <td>
          <ChangedFiles files={c.before_files} label={`${c.label_vi} — ${ot('rev.before')}`} />
        </td>
        <td>
          <ChangedFiles files={c.after_files} label={`${c.label_vi} — ${ot('rev.after')}`} />
        </td>
      </tr>
    );
  }
  return (
    <tr class={`oc-diff oc-diff--${c.kind}`}>
      <th scope="row">{c.label_vi}</th>
      <td>{ot(`diff.${c.kind}` as OfficerKey)}</td>
      <td>{c.before_text ?? fmtValue(c.before)}</td>
      <td>{c.after_text ?? fmtValue(c.after)}</td>
    </tr>
  );
}

function Revisions(props: { view: DossierView }): JSX.Element | null {
  const list = props.view.revisions;
  if (!list.length) return null;
  return (
    <section class="oc-card" aria-labelledby="oc-rev">
      <h2 id="oc-rev">{ot('rev.title')}</h2>
      {[...list].reverse().map((r) => (
        <details key={r.hash} class="oc-entry" open={r.number === list.length}>
          <summary>
            {ot('rev.summary', { n: r.number, kind: ot(r.kind === 'supplement' ? 'rev.kind_supplement' : 'rev.kind_submit'), at: fmtDateTime(r.created_at), name: r.volunteer_name })}{' '}
            {r.signature && !r.signature.valid ? <Badge tone="loud">{ot('flag.signature_invalid')}</Badge> : <Badge tone="green">{ot('sig.valid')}</Badge>}
          </summary>
          <p class="oc-mono">{r.hash}</p>
          {r.changes === null ? (
            <p class="oc-warn">{ot('rev.unverified')}</p>
          ) : r.changes.length ? (
            <table class="oc-table">
              <thead>
                <tr>
                  <th scope="col">{ot('rev.field')}</th>
                  <th scope="col">{ot('rev.change')}</th>
                  <th scope="col">{ot('rev.before')}</th>
                  <th scope="col">{ot('rev.after')}</th>
                </tr>
              </thead>
              <tbody>
                {r.changes.map((c) => (
                  <ChangeRow key={c.path} change={c} />
                ))}
              </tbody>
            </table>
          ) : (
            <p class="oc-muted">{ot('rev.no_changes')}</p>
          )}
        </details>
      ))}
    </section>
  );
}

function auditAction(action: string): string {
  const key = `audit.act.${action}` as OfficerKey;
  const text = ot(key);
  return text === key ? action : text;
}

function Audit(props: { view: DossierView }): JSX.Element {
  return (
    <section class="oc-card" aria-labelledby="oc-audit">
      <h2 id="oc-audit">{ot('audit.title')}</h2>
      <table class="oc-table">
        <thead>
          <tr>
            <th scope="col">{ot('audit.at')}</th>
            <th scope="col">{ot('audit.action')}</th>
            <th scope="col">{ot('audit.actor')}</th>
            <th scope="col">{ot('audit.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {props.view.audit.map((e) => (
            <tr key={e.id}>
              <td class="oc-nowrap">{fmtDateTime(e.at)}</td>
              <td>
                {auditAction(e.action)}
                {e.to_status && e.to_status !== e.from_status ? ` → ${statusLabel(e.to_status)}` : ''}
              </td>
              <td>{e.actor_name ?? ot('audit.system')}</td>
              <td>{e.reason || (e.data && typeof e.data.appointment_date === 'string' ? ot('audit.new_date', { date: fmtDate(e.data.appointment_date) }) : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
