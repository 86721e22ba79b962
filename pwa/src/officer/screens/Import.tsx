/**
 * Household CSV import (`POST /api/households/import`, body = the file, text/csv). All rows or
 * none: a refusal lists every bad row (row, column, message) and nothing is written.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call, HttpError } from '../../api/http';
import { errorText } from '../http-ui';
import { fmtBytes } from '../format';
import { ot, pick } from '../i18n';
import type { ImportReport, RowError } from '../types';
import { ErrorBox } from '../ui';
import { CommuneSelect, useCommunes } from './CommunePicker';

export const MAX_IMPORT_BYTES = 6_000_000;

type Outcome = { kind: 'ok'; report: ImportReport } | { kind: 'rows'; message: string; rows: RowError[] } | { kind: 'error'; error: unknown };

export function ImportScreen(props: { role: string }): JSX.Element {
  const admin = props.role === 'admin';
  const [file, setFile] = useState<File | undefined>();
  const communes = useCommunes(admin);
  const [commune, setCommune] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const tooBig = !!file && file.size > MAX_IMPORT_BYTES;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!file || tooBig || (admin && !commune)) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      const path = `/api/households/import${admin ? `?commune_id=${encodeURIComponent(commune)}` : ''}`;
      const response = await call(path, { method: 'POST', headers: { 'Content-Type': 'text/csv; charset=utf-8' }, body: file });
      setOutcome({ kind: 'ok', report: (await response.json()) as ImportReport });
    } catch (error) {
      const rows = error instanceof HttpError ? (error.problem.errors as RowError[] | undefined) : undefined;
      if (error instanceof HttpError && rows?.length) setOutcome({ kind: 'rows', message: errorText(error), rows });
      else setOutcome({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="oc-import-title">
      <h1 id="oc-import-title" tabIndex={-1}>
        {ot('import.title')}
      </h1>
      <p>{ot('import.explain')}</p>
      <form class="oc-card oc-stack" onSubmit={submit}>
        {admin ? (
          <CommuneSelect communes={communes} value={commune} onChange={setCommune} />
        ) : null}
        <label class="oc-field">
          <span>{ot('import.file')}</span>
          <input
            type="file"
            name="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0]);
              setOutcome(undefined);
            }}
          />
        </label>
        {file ? (
          <p class="oc-muted">
            {file.name} · {fmtBytes(file.size)}
          </p>
        ) : null}
        {tooBig ? <p class="oc-error">{ot('import.too_big', { max: fmtBytes(MAX_IMPORT_BYTES) })}</p> : null}
        <div class="oc-row">
          <button type="submit" class="oc-btn oc-btn--primary" disabled={!file || tooBig || busy || (admin && !commune)}>
            {busy ? ot('common.sending') : ot('import.upload')}
          </button>
        </div>
      </form>
      {outcome?.kind === 'ok' ? (
        <p class="oc-success" role="status">
          {ot('import.done', { households: outcome.report.imported_households, members: outcome.report.imported_members })}
        </p>
      ) : null}
      {outcome?.kind === 'error' ? <ErrorBox error={outcome.error} /> : null}
      {outcome?.kind === 'rows' ? (
        <div role="alert">
          <p class="oc-error">{outcome.message}</p>
          <div class="oc-table-wrap">
            <table class="oc-table oc-import-errors">
              <caption>{ot('import.errors_caption', { count: outcome.rows.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{ot('import.row')}</th>
                  <th scope="col">{ot('import.column')}</th>
                  <th scope="col">{ot('import.message')}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.rows.map((r, i) => (
                  <tr key={i}>
                    <td>{r.row ?? '—'}</td>
                    <td class="oc-mono">{r.column ?? '—'}</td>
                    <td>{pick(r.message_vi, r.message_en)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
