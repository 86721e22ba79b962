/**
 * The confirmation dialogs of the dossier view. Each one states what will happen, asks for the
 * reason where the server requires one (the confirm button stays disabled until it is given),
 * sends one request and shows the server's Vietnamese message when it refuses.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, sendJson } from '../../api/http';
import { errorText, openFile } from '../http-ui';
import { actionBody, DANGEROUS, reasonRequired } from '../actions';
import { fmtDate } from '../format';
import { ot, pick as pickLang, type OfficerKey } from '../i18n';
import { consoleHref } from '../nav';
import { buildSupplementBody, MAX_PROBLEM, type PickError, type SupplementPick } from '../supplement';
import type { ActionOut, ApologyDraft, DossierView, Result, ResultDraft } from '../types';
import { Dialog, ErrorBox } from '../ui';

function ReasonField(props: { value: string; onInput: (v: string) => void; required: boolean; label?: string; id?: string }): JSX.Element {
  return (
    <label class="oc-field">
      <span>
        {props.label ?? ot('action.reason')}
        {props.required ? <strong class="oc-req"> *{ot('common.required')}</strong> : <span class="oc-muted"> ({ot('common.optional')})</span>}
      </span>
      <textarea
        id={props.id}
        name="reason"
        rows={3}
        maxLength={1000}
        required={props.required}
        aria-required={props.required ? 'true' : 'false'}
        value={props.value}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
    </label>
  );
}

function Buttons(props: { busy: boolean; disabled: boolean; danger?: boolean; label: string; onCancel: () => void }): JSX.Element {
  return (
    <div class="oc-row oc-row--end">
      <button type="button" class="oc-btn oc-btn--ghost" onClick={props.onCancel}>
        {ot('common.cancel')}
      </button>
      <button type="submit" class={`oc-btn ${props.danger ? 'oc-btn--danger' : 'oc-btn--primary'}`} disabled={props.disabled || props.busy}>
        {props.busy ? ot('common.sending') : props.label}
      </button>
    </div>
  );
}

/** receive, refuse, approve, reject, stop. */
export function ActionDialog(props: {
  view: DossierView;
  action: string;
  onDone: (out: ActionOut) => void;
  onClose: () => void;
}): JSX.Element {
  const { action, view } = props;
  const required = reasonRequired(action);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const missing = required && !reason.trim();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (missing) return;
    setBusy(true);
    setError(undefined);
    try {
      const out = await sendJson<ActionOut>(
        `/api/review/dossiers/${encodeURIComponent(view.dossier.id)}/actions`,
        actionBody(action, reason, view.dossier.version),
      );
      props.onDone(out);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={ot(`action.${action}` as OfficerKey)} onClose={props.onClose}>
      <form onSubmit={submit} class="oc-stack" noValidate>
        <p>{ot(`action.${action}.explain` as OfficerKey)}</p>
        <p class="oc-muted">
          {view.dossier.code} · {view.applicant?.full_name ?? ''} · {pickLang(view.procedure.name_vi, view.procedure.name_en)}
        </p>
        <ReasonField value={reason} onInput={setReason} required={required} />
        {missing ? <p class="oc-hint">{ot('action.reason_needed')}</p> : null}
        <ErrorBox error={error} />
        <Buttons busy={busy} disabled={missing} danger={DANGEROUS.has(action)} label={ot('action.confirm')} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** Options of the picker: the procedure's components and its form fields (repeat sub-fields as `group.sub`). */
export function supplementTargets(view: DossierView): { components: { code: string; label: string; missing: boolean }[]; fields: { key: string; label: string }[] } {
  const fields: { key: string; label: string }[] = [];
  for (const f of view.form) {
    if (f.type === 'unknown') continue;
    fields.push({ key: f.key, label: pickLang(f.label_vi, f.label_en) });
    if (f.type === 'repeat' && Array.isArray(f.display)) {
      const first = (f.display as unknown[])[0];
      if (Array.isArray(first)) {
        for (const sub of first as { key?: string; label_vi?: string; label_en?: string }[]) {
          if (sub.key) fields.push({ key: `${f.key}.${sub.key}`, label: `${pickLang(f.label_vi, f.label_en)} › ${pickLang(sub.label_vi, sub.label_en)}` });
        }
      }
    }
  }
  return {
    components: view.components.map((c) => ({ code: c.code, label: pickLang(c.name_vi, c.name_en), missing: !c.complete })),
    fields,
  };
}

function pickErrorText(e: PickError, labels: Map<string, string>): string {
  switch (e.kind) {
    case 'reason_required':
      return ot('supplement.err_reason');
    case 'items_required':
      return ot('supplement.err_items');
    case 'too_many':
      return ot('supplement.err_too_many', { max: e.max });
    case 'problem_required':
      return ot('supplement.err_problem', { item: labels.get(e.target) ?? e.target });
    case 'problem_too_long':
      return ot('supplement.err_problem_long', { item: labels.get(e.target) ?? e.target, max: e.max });
  }
}

/** request_supplement: tick components / fields, describe each problem, give a reason. */
export function SupplementDialog(props: { view: DossierView; onDone: (out: ActionOut) => void; onClose: () => void }): JSX.Element {
  const targets = supplementTargets(props.view);
  const [pick, setPick] = useState<SupplementPick>(() => ({
    components: Object.fromEntries(
      targets.components.map((c) => [c.code, { checked: c.missing && props.view.components.find((x) => x.code === c.code)!.required, problem: c.missing ? ot('supplement.default_missing') : '' }]),
    ),
    fields: Object.fromEntries(targets.fields.map((f) => [f.key, { checked: false, problem: '' }])),
  }));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [tried, setTried] = useState(false);
  const { body, errors } = buildSupplementBody(reason, pick, props.view.dossier.version);
  const labels = new Map<string, string>([...targets.components.map((c) => [c.code, c.label] as const), ...targets.fields.map((f) => [f.key, f.label] as const)]);

  const update = (group: 'components' | 'fields', key: string, patch: Partial<{ checked: boolean; problem: string }>): void =>
    setPick((p) => ({ ...p, [group]: { ...p[group], [key]: { ...p[group][key]!, ...patch } } }));

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTried(true);
    if (errors.length) return;
    setBusy(true);
    setError(undefined);
    try {
      props.onDone(await sendJson<ActionOut>(`/api/review/dossiers/${encodeURIComponent(props.view.dossier.id)}/actions`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const row = (group: 'components' | 'fields', key: string, label: string, note?: string): JSX.Element => {
    const item = pick[group][key]!;
    return (
      <li key={key} class={item.checked ? 'oc-pick oc-pick--on' : 'oc-pick'}>
        <label class="oc-check">
          <input type="checkbox" name={`${group}:${key}`} checked={item.checked} onChange={(e) => update(group, key, { checked: (e.currentTarget as HTMLInputElement).checked })} />
          {label}
          {note ? <span class="oc-badge oc-badge--grey">{note}</span> : null}
        </label>
        {item.checked ? (
          <label class="oc-field">
            <span>{ot('supplement.problem')}</span>
            <input
              type="text"
              name={`problem:${group}:${key}`}
              maxLength={MAX_PROBLEM}
              value={item.problem}
              aria-invalid={tried && !item.problem.trim() ? 'true' : 'false'}
              onInput={(e) => update(group, key, { problem: (e.currentTarget as HTMLInputElement).value })}
            />
          </label>
        ) : null}
      </li>
    );
  };

  return (
    <Dialog title={ot('action.request_supplement')} onClose={props.onClose} wide>
      <form onSubmit={submit} class="oc-stack" noValidate>
        <p>{ot('action.request_supplement.explain')}</p>
        <h3>{ot('supplement.components')}</h3>
        <ul class="oc-picklist">{targets.components.map((c) => row('components', c.code, c.label, c.missing ? ot('supplement.missing') : undefined))}</ul>
        <details>
          <summary>{ot('supplement.fields', { count: Object.values(pick.fields).filter((f) => f.checked).length })}</summary>
          <ul class="oc-picklist">{targets.fields.map((f) => row('fields', f.key, f.label))}</ul>
        </details>
        <ReasonField value={reason} onInput={setReason} required label={ot('supplement.reason')} />
        <p class="oc-muted">{ot('supplement.count', { count: body.items.length })}</p>
        {tried && errors.length ? (
          <ul class="oc-error" role="alert">
            {errors.map((err, i) => (
              <li key={i}>{pickErrorText(err, labels)}</li>
            ))}
          </ul>
        ) : null}
        <ErrorBox error={error} />
        <Buttons busy={busy} disabled={false} label={ot('supplement.send')} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** apologise (Decree 118/2025): the server's draft, a new appointment date, a preview letter. */
export function ApologyDialog(props: { view: DossierView; onDone: (out: ActionOut) => void; onClose: () => void }): JSX.Element {
  const id = encodeURIComponent(props.view.dossier.id);
  const [draft, setDraft] = useState<ApologyDraft | undefined>();
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    getJson<ApologyDraft>(`/api/review/dossiers/${id}/apology-draft`).then(
      (d) => {
        setDraft(d);
        setDate(d.proposed_date);
        setReason(d.reason);
      },
      setError,
    );
  }, [id]);
  const preview = (): void => {
    const q = new URLSearchParams({ appointment_date: date, reason: reason.trim() });
    openFile(`/api/review/dossiers/${id}/documents/apology.pdf?${q}`).catch(setError);
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!reason.trim() || !date) return;
    setBusy(true);
    setError(undefined);
    try {
      props.onDone(await sendJson<ActionOut>(`/api/review/dossiers/${id}/actions`, actionBody('apologise', reason, props.view.dossier.version, date)));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={ot('action.apologise')} onClose={props.onClose} wide>
      <form onSubmit={submit} class="oc-stack" noValidate>
        <p>{ot('action.apologise.explain')}</p>
        {draft ? (
          <>
            <p>
              {ot('apology.facts', {
                due: fmtDate(draft.due_date),
                elapsed: draft.elapsed_working_days,
                days: draft.processing_days,
                remaining: draft.remaining_working_days,
              })}
            </p>
            <blockquote class="oc-letter">{draft.text}</blockquote>
          </>
        ) : !error ? (
          <p class="oc-muted">{ot('common.loading')}</p>
        ) : null}
        <label class="oc-field">
          <span>{ot('apology.new_date')}</span>
          <input type="date" name="appointment_date" required value={date} onInput={(e) => setDate((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <ReasonField value={reason} onInput={setReason} required />
        <ErrorBox error={error} />
        <div class="oc-row oc-row--between">
          <button type="button" class="oc-btn" onClick={preview} disabled={!date}>
            {ot('apology.preview')}
          </button>
          <Buttons busy={busy} disabled={!reason.trim() || !date} label={ot('apology.record')} onCancel={props.onClose} />
        </div>
      </form>
    </Dialog>
  );
}

/**
 * issue_result after approve/reject: the paper's lines come from the dossier through the
 * catalogue's template (GET result-draft); the officer checks them, may correct a line with a
 * reason (audited), adds the document number; the server signs it.
 */
export function ResultDialog(props: { view: DossierView; onDone: (r: Result) => void; onClose: () => void }): JSX.Element {
  const id = encodeURIComponent(props.view.dossier.id);
  const [draft, setDraft] = useState<ResultDraft | undefined>();
  const [summary, setSummary] = useState('');
  const [number, setNumber] = useState('');
  const [edits, setEdits] = useState<Record<string, { value: string; reason: string }>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    getJson<ResultDraft>(`/api/review/dossiers/${id}/result-draft`).then(
      (d) => {
        setDraft(d);
        setSummary(d.summary);
      },
      (err: unknown) => setError(err),
    );
  }, [id]);
  const approved = props.view.dossier.outcome !== 'rejected';
  const corrections = Object.entries(edits).map(([key, e]) => ({ key, value: e.value.normalize('NFC').trim(), reason: e.reason.normalize('NFC').trim() }));
  const missingReason = corrections.some((c) => !c.reason);
  const ready = !!draft && (approved || !!summary.trim()) && !missingReason;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      const body: { summary: string; document_number?: string; corrections?: typeof corrections } = { summary: summary.normalize('NFC').trim() };
      if (number.trim()) body.document_number = number.normalize('NFC').trim();
      if (corrections.length) body.corrections = corrections;
      props.onDone(await sendJson<Result>(`/api/review/dossiers/${id}/result`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const edit = (key: string, original: string, patch: Partial<{ value: string; reason: string }>): void => {
    setEdits((all) => {
      const next = { ...(all[key] ?? { value: original, reason: '' }), ...patch };
      const copy = { ...all };
      if (next.value === original) delete copy[key];
      else copy[key] = next;
      return copy;
    });
  };
  return (
    <Dialog title={ot('action.issue_result')} onClose={props.onClose}>
      <form onSubmit={submit} class="oc-stack" noValidate>
        <p>{approved ? ot('result.explain_approved') : ot('result.explain_rejected')}</p>
        {draft ? (
          <section class="oc-result-preview" aria-label={ot('result.preview')}>
            <h3>{draft.title.toUpperCase()}</h3>
            {draft.intro ? <p>{draft.intro}</p> : null}
            {draft.sections.map((section, i) => (
              <fieldset key={i} class="oc-stack">
                {section.heading ? <legend>{section.heading}</legend> : null}
                {section.fields.map((line) => {
                  const changed = edits[line.key];
                  return (
                    <div key={line.key} class="oc-field">
                      <label>
                        <span>{line.label}</span>
                        <input type="text" name={`line-${line.key}`} value={changed?.value ?? line.value} onInput={(e) => edit(line.key, line.value, { value: (e.currentTarget as HTMLInputElement).value })} />
                      </label>
                      {changed ? (
                        <label>
                          <span>
                            {ot('result.correction_reason')} <strong class="oc-req">*{ot('common.required')}</strong>
                          </span>
                          <input type="text" name={`reason-${line.key}`} value={changed.reason} onInput={(e) => edit(line.key, line.value, { reason: (e.currentTarget as HTMLInputElement).value })} />
                        </label>
                      ) : null}
                    </div>
                  );
                })}
              </fieldset>
            ))}
            {draft.closing ? <p>{draft.closing}</p> : null}
            <p class="oc-muted">{ot('result.signer', { title: draft.signer_title || '—', name: draft.signer_name || '—' })}</p>
            {!draft.signer_name.trim() ? (
              <p class="oc-warn">
                <a href={consoleHref({ tab: 'signer' })}>{ot('result.signer_missing')}</a>
              </p>
            ) : null}
          </section>
        ) : (
          <p class="oc-muted">{ot('common.loading')}</p>
        )}
        <label class="oc-field">
          <span>
            {approved ? ot('result.summary') : ot('result.reason')} {approved ? <span class="oc-muted">({ot('common.optional')})</span> : <strong class="oc-req">*{ot('common.required')}</strong>}
          </span>
          <textarea name="summary" rows={2} value={summary} onInput={(e) => setSummary((e.currentTarget as HTMLTextAreaElement).value)} />
        </label>
        <label class="oc-field">
          <span>
            {ot('result.number')} <span class="oc-muted">({ot('common.optional')})</span>
          </span>
          <input type="text" name="document_number" value={number} placeholder="12/2026/TLKS" onInput={(e) => setNumber((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <ErrorBox error={error} />
        <Buttons busy={busy} disabled={!ready} label={ot('result.issue')} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** A yes/no confirmation with an optional or required reason (conflicts, amendments, devices). */
export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirmLabel: string;
  reason?: 'required' | 'optional';
  danger?: boolean;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
}): JSX.Element {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const missing = props.reason === 'required' && !reason.trim();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (missing) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm(reason.normalize('NFC').trim());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form onSubmit={submit} class="oc-stack" noValidate>
        <p>{props.message}</p>
        {props.reason ? <ReasonField value={reason} onInput={setReason} required={props.reason === 'required'} /> : null}
        {missing ? <p class="oc-hint">{ot('action.reason_needed')}</p> : null}
        {error ? <p class="oc-error" role="alert">{errorText(error)}</p> : null}
        <Buttons busy={busy} disabled={missing} danger={props.danger} label={props.confirmLabel} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
