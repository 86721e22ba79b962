/**
 * A person's rights (Law 91/2025): find the person, produce everything held about them (JSON
 * export, printable summary) with a stated reason, see who read their data, and record an
 * erasure, restriction, consent withdrawal or correction request.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { fmtDateTime } from '../format';
import { ot, type OfficerKey } from '../i18n';
import { consoleHref } from '../nav';
import {
  findPeople,
  personFile,
  personLog,
  recordRequest,
  REQUEST_KINDS,
  requestsOf,
  saveBlob,
  type PersonHit,
  type RequestKind,
} from '../privacy-api';
import { AsyncView, useAsync } from '../ui';
import { FormErrors } from './FormErrors';
import { ConfirmDialog } from './dialogs';

const names = new Map<string, string>();

export function PeopleView(props: { personId: string | undefined }): JSX.Element {
  return (
    <div class="oc-stack">
      <PersonSearch />
      {props.personId ? <PersonPanel key={props.personId} id={props.personId} /> : null}
    </div>
  );
}

function PersonSearch(): JSX.Element {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<PersonHit[] | undefined>();
  const [searched, setSearched] = useState('');
  const [error, setError] = useState<unknown>();
  const [hint, setHint] = useState<string | undefined>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const text = q.normalize('NFC').trim();
    setError(undefined);
    if (!/^\d{12}$/.test(text) && text.replace(/\s/g, '').length < 2) {
      setHint(ot('pv.search_short'));
      return;
    }
    setHint(undefined);
    try {
      const found = await findPeople(text);
      for (const h of found) names.set(h.id, h.full_name);
      setHits(found);
      setSearched(text);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="oc-card" aria-labelledby="oc-pv-search">
      <h2 id="oc-pv-search">{ot('pv.view_people')}</h2>
      <form class="oc-row" onSubmit={submit} noValidate>
        <label class="oc-field">
          <span>{ot('pv.search_label')}</span>
          <input type="search" name="q" maxLength={200} autoComplete="off" value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} aria-invalid={hint ? true : undefined} />
        </label>
        <button type="submit" class="oc-btn oc-btn--primary">
          {ot('pv.search')}
        </button>
      </form>
      <FormErrors problem={hint} error={error} />
      {hits === undefined ? null : hits.length === 0 ? (
        <p class="oc-empty">{ot('pv.no_hits', { q: searched })}</p>
      ) : (
        <ul class="oc-picklist" aria-label={ot('pv.hits', { count: hits.length })}>
          {hits.map((h) => (
            <li key={h.id} class="oc-row oc-row--between">
              <span>
                <strong>{h.full_name}</strong> · {h.birth_year ? ot('pv.born', { year: h.birth_year }) : '—'} · {h.village}
              </span>
              <a class="oc-btn" href={consoleHref({ tab: 'privacy', view: 'people', person: h.id })}>
                {ot('pv.open')}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PersonPanel(props: { id: string }): JSX.Element {
  const name = names.get(props.id) ?? props.id.slice(0, 8);
  const [requests, reloadRequests] = useAsync(() => requestsOf(props.id), [props.id]);
  const [log, reloadLog] = useAsync(() => personLog(props.id), [props.id]);
  const [asking, setAsking] = useState<'export' | 'summary.pdf' | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  return (
    <section class="oc-card oc-stack" aria-labelledby="oc-pv-person">
      <h2 id="oc-pv-person">{ot('pv.person_title', { name })}</h2>
      <p class="oc-muted">{ot('pv.person_explain')}</p>
      <div class="oc-actions">
        <button type="button" class="oc-btn" onClick={() => setAsking('export')}>
          {ot('pv.export')}
        </button>
        <button type="button" class="oc-btn" onClick={() => setAsking('summary.pdf')}>
          {ot('pv.summary')}
        </button>
      </div>
      {message ? (
        <p class="oc-success" role="status">
          {message}
        </p>
      ) : null}
      <RequestForm
        id={props.id}
        name={name}
        onRecorded={async () => {
          setMessage(ot('pv.recorded'));
          await reloadRequests();
        }}
      />
      <h3>{ot('pv.requests')}</h3>
      <AsyncView value={requests}>
        {(rows) =>
          rows.length ? (
            <table class="oc-table" data-testid="pv-requests">
              <thead>
                <tr>
                  <th scope="col">{ot('pv.col_when')}</th>
                  <th scope="col">{ot('pv.col_kind')}</th>
                  <th scope="col">{ot('pv.col_status')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>{fmtDateTime(r.recorded_at)}</td>
                    <td>{kindLabel(r.kind)}</td>
                    <td>{ot(r.status === 'retained' ? 'pv.status_retained' : 'pv.status_done')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="oc-empty">{ot('pv.requests_empty')}</p>
          )
        }
      </AsyncView>
      <h3>{ot('pv.person_log')}</h3>
      <AsyncView value={log}>
        {(rows) =>
          rows.length ? (
            <table class="oc-table" data-testid="pv-person-log">
              <thead>
                <tr>
                  <th scope="col">{ot('pv.col_when')}</th>
                  <th scope="col">{ot('pv.col_who')}</th>
                  <th scope="col">{ot('pv.col_action')}</th>
                  <th scope="col">{ot('pv.col_reason')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={`${r.at}-${i}`}>
                    <td>{fmtDateTime(r.at)}</td>
                    <td>
                      <span class="oc-mono">{r.actor_id.slice(0, 8)}</span> ({r.actor_role})
                    </td>
                    <td>{r.action}</td>
                    <td>{r.reason || (r.in_queue ? ot('pv.col_queue') : '—')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="oc-empty">{ot('pv.person_log_empty')}</p>
          )
        }
      </AsyncView>
      {asking ? (
        <ConfirmDialog
          title={ot('pv.reason_title')}
          message={ot('pv.reason_explain')}
          confirmLabel={ot('pv.reason_go')}
          reason="required"
          onConfirm={async (reason) => {
            const kind = asking;
            const blob = await personFile(props.id, kind, reason);
            setAsking(undefined);
            if (kind === 'export') {
              saveBlob(blob, `nguoi-${props.id}.json`);
              setMessage(ot('pv.exported'));
            } else {
              const url = URL.createObjectURL(blob);
              window.open(url, '_blank');
              setTimeout(() => URL.revokeObjectURL(url), 5 * 60_000);
            }
            await reloadLog();
          }}
          onClose={() => setAsking(undefined)}
        />
      ) : null}
    </section>
  );
}

function kindLabel(kind: string): string {
  return (REQUEST_KINDS as readonly string[]).includes(kind) ? ot(`pv.kind_${kind}` as OfficerKey) : kind;
}

function RequestForm(props: { id: string; name: string; onRecorded: () => Promise<void> }): JSX.Element {
  const [kind, setKind] = useState<RequestKind | ''>('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const send = async (): Promise<void> => {
    if (!kind) return;
    setBusy(true);
    setError(undefined);
    try {
      await recordRequest(props.id, kind, note);
      setKind('');
      setNote('');
      await props.onRecorded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: Event): void => {
    e.preventDefault();
    if (!kind) { setProblem(ot('pv.choose_kind')); return; }
    if (note.length > 1000) { setProblem(ot('pv.note_too_long')); return; }
    setProblem(undefined);
    if (kind === 'erasure') setConfirming(true);
    else void send();
  };
  return (
    <form class="oc-stack" onSubmit={submit} noValidate aria-labelledby="oc-pv-record">
      <h3 id="oc-pv-record">{ot('pv.record')}</h3>
      <label class="oc-field">
        <span>{ot('pv.kind')}</span>
        <select name="kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as RequestKind | '')}>
          <option value="">—</option>
          {REQUEST_KINDS.map((k) => (
            <option key={k} value={k}>
              {ot(`pv.kind_${k}` as OfficerKey)}
            </option>
          ))}
        </select>
      </label>
      {kind ? <p class="oc-hint">{ot(`pv.kind_help_${kind}` as OfficerKey)}</p> : null}
      <label class="oc-field">
        <span>{ot('pv.note')}</span>
        <textarea name="note" rows={2} maxLength={1000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      <FormErrors problem={problem} error={error} />
      <div>
        <button type="submit" class={kind === 'erasure' ? 'oc-btn oc-btn--danger' : 'oc-btn oc-btn--primary'} disabled={busy}>
          {busy ? ot('common.sending') : ot('pv.record')}
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title={ot('pv.erasure_confirm_title')}
          message={ot('pv.erasure_confirm', { name: props.name })}
          confirmLabel={ot('pv.kind_erasure')}
          danger
          onConfirm={async () => {
            setConfirming(false);
            await send();
          }}
          onClose={() => setConfirming(false)}
        />
      ) : null}
    </form>
  );
}

