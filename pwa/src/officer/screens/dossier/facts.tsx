/** The dossier's panels of what the volunteer sent: signature, duplicates, people, form, photos. */
import { Fragment, type JSX } from 'preact';
import { fmtDate, fmtDateTime } from '../../format';
import { ot, pick } from '../../i18n';
import { consoleHref } from '../../nav';
import type { DossierView, FormEntry, SignatureCheck } from '../../types';
import { Badge, statusLabel } from '../../ui';
import { Thumb } from '../viewer';

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

export function Duplicates(props: { view: DossierView }): JSX.Element {
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

export function People(props: { view: DossierView }): JSX.Element {
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

export function Components(props: { view: DossierView }): JSX.Element {
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
