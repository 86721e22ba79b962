/**
 * The dossier's panels for what the officer decides or issues: letters, the apology draft, the
 * result, supplement requests, conflicts and amendments.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getJson } from '../../../api/http';
import { openFile } from '../../http-ui';
import { fmtDate, fmtDateTime, fmtValue } from '../../format';
import { type OfficerKey, ot, pick } from '../../i18n';
import type { ApologyDraft, DossierView, Result } from '../../types';
import { AsyncView, Badge, ErrorBox, useAsync } from '../../ui';

export function Documents(props: { view: DossierView }): JSX.Element | null {
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

export function ApologyDraftBox(props: { id: string; onRecord: () => void }): JSX.Element {
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

export function ResultBox(props: { result: Result }): JSX.Element {
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

export function SupplementRequests(props: { view: DossierView }): JSX.Element | null {
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

export function Conflicts(props: {
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
              {a.rows
                ? a.rows.map((r) => (
                    <tr key={r.label_vi}>
                      <th scope="row">{r.label_vi}</th>
                      <td>
                        {r.before_text} → <strong>{r.after_text}</strong>
                      </td>
                    </tr>
                  ))
                : Object.entries(amendmentFields(a.fields)).map(([k, v]) => (
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
