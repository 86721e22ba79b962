/** The dossier's history panels: signed revisions with what changed, and the audit trail. */
import type { JSX } from 'preact';
import { fmtDate, fmtDateTime, fmtValue } from '../../format';
import { type OfficerKey, ot } from '../../i18n';
import type { Change, ChangedFile, DossierView } from '../../types';
import { Badge, statusLabel } from '../../ui';
import { Thumb } from '../viewer';

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

export function Revisions(props: { view: DossierView }): JSX.Element | null {
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

export function Audit(props: { view: DossierView }): JSX.Element {
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
