/**
 * The scan on the member screen (lazy chunk): the scanner dialog, then what the card says next
 * to what the form holds. Empty fields are filled from the card, equal ones marked as matching
 * the card, differing ones shown side by side with a choice (the saved value stays until the
 * volunteer picks the card's). The card's problems (CCCD rules, malformed fields) are listed.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { FormValues } from '../../forms/schema';
import { getLang, t, type MessageKey } from '../../i18n';
import type { CccdQr, CccdQrField, CccdQrProblem } from '../../sync/cccd-qr';
import { ISSUE_MESSAGES } from '../../sync/identity';
import { compareScan, fillEmpty, type MemberScanField, type ScanRow } from './compare';
import type { QrDetector } from './detector';
import { ScanDialog } from './ScanDialog';
import './scan.css';

const FIELD_LABELS: Record<CccdQrField, MessageKey> = {
  cccd: 'member.cccd',
  old_id: 'scan.old_id',
  full_name: 'member.full_name',
  date_of_birth: 'member.date_of_birth',
  sex: 'member.sex',
  address: 'scan.address',
  issue_date: 'scan.issue_date',
};

/** `YYYY-MM-DD` → `dd/mm/yyyy`, the one date format people read in this app. */
function displayDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

function display(field: CccdQrField, value: string): string {
  if (field === 'date_of_birth' || field === 'issue_date') return displayDate(value);
  if (field === 'sex') return value === 'male' ? t('member.sex_male') : value === 'female' ? t('member.sex_female') : value;
  return value;
}

export function problemText(problem: CccdQrProblem): string {
  const identity = ISSUE_MESSAGES[problem.code];
  if (problem.field === 'cccd' && identity) return getLang() === 'en' ? identity[1] : identity[0];
  if (problem.code === 'not_cccd_qr') return t('scan.not_cccd');
  if (problem.code === 'too_many_fields') return t('scan.too_many_fields');
  if (problem.code === 'issued_before_birth') return t('scan.problem.issued_before_birth');
  const key = `scan.problem.${problem.code}` as MessageKey;
  const field = problem.field ? t(FIELD_LABELS[problem.field]) : '';
  return t(key, { field });
}

type Choice = 'keep' | 'card';

function DiffRow(props: { row: ScanRow; choice: Choice; onChoose: (c: Choice) => void }): JSX.Element {
  const { row, choice, onChoose } = props;
  const id = `scan-${row.field}`;
  const label = t(FIELD_LABELS[row.field]);
  const side = (c: Choice, head: MessageKey, value: string, aria: MessageKey): JSX.Element => (
    <label class={`scan-side${choice === c ? ' scan-side--chosen' : ''}`} for={`${id}-${c}`}>
      <input
        type="radio"
        id={`${id}-${c}`}
        name={id}
        checked={choice === c}
        onChange={() => onChoose(c)}
        aria-label={t(aria, { value: display(row.field, value) })}
      />
      <span class="scan-side__head">{t(head)}</span>
      <span class="scan-side__value">{display(row.field, value)}</span>
    </label>
  );
  return (
    <fieldset class="scan-row scan-row--differs" data-scan-field={row.field} data-scan-status={row.status}>
      <legend>
        {label} <span class="badge scan-badge--differs">{t('scan.status.differs')}</span>
      </legend>
      <div class="scan-sides">
        {side('keep', 'scan.saved_value', row.current ?? '', 'scan.keep')}
        {side('card', 'scan.card_value', row.scanned, 'scan.use_card')}
      </div>
    </fieldset>
  );
}

export function CccdScanFlow(props: {
  startOpen: boolean;
  values: FormValues;
  onChange: (fn: (prev: FormValues) => FormValues) => void;
}): JSX.Element {
  const { values, onChange } = props;
  const [open, setOpen] = useState(props.startOpen);
  const [scan, setScan] = useState<{ qr: CccdQr; rows: ScanRow[]; detector: QrDetector['kind'] } | undefined>();
  const [choices, setChoices] = useState<Partial<Record<MemberScanField, Choice>>>({});

  const detected = (qr: CccdQr, detector: QrDetector['kind']): void => {
    const rows = compareScan(qr, values);
    onChange((prev) => fillEmpty(prev, rows));
    setScan({ qr, rows, detector });
    setChoices({});
    setOpen(false);
  };

  const choose = (row: ScanRow, choice: Choice): void => {
    setChoices((prev) => ({ ...prev, [row.field]: choice }));
    onChange((prev) => ({ ...prev, [row.field]: choice === 'card' ? row.scanned : (row.current ?? '') }));
  };

  const cardOnly = scan ? (['old_id', 'address', 'issue_date'] as const).filter((f) => scan.qr[f] !== null) : [];
  return (
    <div class="scan-flow">
      {open ? <ScanDialog onDetected={detected} onCancel={() => setOpen(false)} /> : null}
      {scan ? (
        <section class="scan-result" aria-labelledby="scan-result-title" data-detector={scan.detector}>
          <h2 id="scan-result-title">{t('scan.result_title')}</h2>
          {scan.qr.problems.length > 0 ? (
            <div class="scan-problems" role="alert">
              <strong>{t('scan.problems')}</strong>
              <ul>
                {scan.qr.problems.map((p) => (
                  <li data-problem={p.code} data-field={p.field ?? ''}>
                    {problemText(p)}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {scan.rows.map((row) =>
            row.status === 'differs' ? (
              <DiffRow row={row} choice={choices[row.field] ?? 'keep'} onChoose={(c) => choose(row, c)} />
            ) : (
              <div class={`scan-row scan-row--${row.status}`} data-scan-field={row.field} data-scan-status={row.status}>
                <span class="scan-row__label">{t(FIELD_LABELS[row.field])}</span>
                <span class="scan-row__value">{display(row.field, row.scanned)}</span>
                <span class={`badge scan-badge--${row.status}`}>
                  {row.status === 'verified' ? `✓ ${t('scan.status.verified')}` : t('scan.status.filled')}
                </span>
              </div>
            ),
          )}
          {cardOnly.length > 0 ? (
            <dl class="scan-card-only">
              <p class="muted">{t('scan.card_only')}</p>
              {cardOnly.map((f) => (
                <div data-scan-field={f}>
                  <dt>{t(FIELD_LABELS[f])}</dt>
                  <dd>{display(f, scan.qr[f] ?? '')}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          <div class="actions">
            <button type="button" class="button button--secondary" onClick={() => setOpen(true)}>
              {t('scan.again')}
            </button>
            <button type="button" class="button button--ghost" onClick={() => setScan(undefined)}>
              {t('scan.dismiss')}
            </button>
          </div>
        </section>
      ) : (
        <button type="button" class="button button--secondary scan-start" onClick={() => setOpen(true)}>
          {t('scan.button')}
        </button>
      )}
    </div>
  );
}
