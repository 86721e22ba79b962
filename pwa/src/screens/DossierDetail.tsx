/**
 * One dossier: local sync state and server status, receipt check, fill time and prefill share,
 * the officer's supplement request ("Bổ sung hồ sơ" re-opens the wizard), the result and the
 * satisfaction rating. Reads only the local store.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getLang, localized, t, type MessageKey } from '../i18n';
import { href, navigate } from '../router';
import { communeShortName, localResultState, type LocalResultState } from '../verify/results-check';
import { fetchWholeDossier } from '../net/dossier-fetch';
import { db } from '../store/db';
import type { ResultRow } from '../store/types';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';
import { markResultReturned } from '../features/dossier/actions';
import { getDossier, isUnsavedDraft, reopenForSupplement } from '../features/dossier/drafts';
import { procedureOf } from '../features/dossier/model';
import { canRate, isDiscardable, needsSupplement, overview, resultView, serverStatusLabel, serverStatusVisible } from '../features/dossier/status';
import { formatAge } from '../ui/age';
import { DiscardDraft } from './Dossiers';
import { FillTime, formatWhen, SupplementBox, SyncBadge } from '../features/dossier/ui';

async function loadDetail(id: string) {
  const row = await getDossier(id);
  if (!row) return undefined;
  const o = await overview(row);
  const d = db();
  const proc = await d.procedures.get([row.procedure_code, row.procedure_version]);
  const applicantId = o.draft?.applicant_member_id ?? row.server?.applicant_member_id ?? row.applicant_member_id;
  const applicant = applicantId ? await d.members.get(applicantId) : undefined;
  const household = await d.households.get(row.household_id);
  const receipts = await d.receipts.where('dossier_id').equals(id).toArray();
  const receipt = receipts.sort((a, b) => b.received_at.localeCompare(a.received_at))[0];
  return { o, def: procedureOf(proc?.definition), applicant, household, receipt };
}

/** A closed dossier the lean pull brought as one row: fetch it whole while this screen is open. */
function WholeDossier(props: { dossierId: string }): JSX.Element {
  const [state, setState] = useState<'loading' | 'offline'>('loading');
  useEffect(() => {
    let live = true;
    fetchWholeDossier(props.dossierId).catch(() => {
      if (live) setState('offline');
    });
    return () => {
      live = false;
    };
  }, [props.dossierId]);
  return <p class="muted" role="status">{t(state === 'loading' ? 'dossier.summary_loading' : 'dossier.summary_offline')}</p>;
}

export function DossierDetail(props: { dossierId: string; justSigned?: boolean }): JSX.Element {
  const live = useLive(() => loadDetail(props.dossierId), [props.dossierId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  return (
    <LiveView live={live}>
      {(detail) => {
        if (!detail) {
          return (
            <Screen title={t('dossier.not_found')} back="/dossiers">
              <p class="muted">{isUnsavedDraft(props.dossierId) ? t('dossier.not_saved') : t('dossier.not_found')}</p>
            </Screen>
          );
        }
        const { o, def, applicant, household, receipt } = detail;
        const { row, draft } = o;
        const lang = getLang();
        const result = resultView(o.result);
        const verdict = row.receipt?.verdict ?? receipt?.verdict;
        const receiptCode = row.receipt?.code ?? receipt?.receipt_code;
        const fill = row.fill_seconds ?? draft?.fill_seconds;
        const prefilled = row.prefilled_fields ?? draft?.prefilled_fields;
        const total = row.total_fields ?? draft?.total_fields;
        const editPath = `/dossiers/${encodeURIComponent(row.id)}/edit`;
        const supplement = async (): Promise<void> => {
          setBusy(true);
          try {
            await reopenForSupplement(row.id);
            navigate(editPath);
          } catch (e) {
            setBusy(false);
            setError(String(e));
          }
        };
        return (
          <Screen title={def ? localized(def.name) : row.procedure_code} back="/dossiers">
            {props.justSigned && o.sync === 'signed' ? (
              <p class="notice" role="status">
                {t('dossier.signed_notice')}
              </p>
            ) : null}
            <p style="margin:0 0 8px">
              <SyncBadge state={o.sync} code={receiptCode} />
            </p>
            {o.sync === 'signed' && o.waitingSince !== undefined ? (
              <p class="muted">{t('dossier.waiting_since', { time: formatWhen(new Date(o.waitingSince).toISOString()), age: formatAge(o.waitingSince) })}</p>
            ) : null}
            {o.sync === 'draft' && draft?.mode !== 'supplement' ? <p class="muted">{t('dossiers.drafts_hint')}</p> : null}
            {row.sync_state === 'rejected' && row.sync_result ? (
              <p class="error" role="alert">
                {t('dossier.rejected', { message: (lang === 'en' ? row.sync_result.message_en : row.sync_result.message_vi) ?? row.sync_result.code ?? '' })}
              </p>
            ) : null}
            {o.blobsPending > 0 ? <p class="muted">{t('dossier.files_pending', { count: o.blobsPending })}</p> : null}
            {row.server?.summary ? <WholeDossier dossierId={row.id} /> : null}
            <div class="stack" style="margin-bottom:12px">
            {o.sync === 'draft' && draft ? (
              <a class="button" href={href(editPath)}>
                {draft.mode === 'supplement' ? t('dossier.supplement') : t('dossier.continue_draft')}
              </a>
            ) : null}
            {isDiscardable(draft, row) ? <DiscardDraft dossierId={row.id} onDone={() => navigate('/dossiers')} /> : null}

            {o.task ? <SupplementBox task={o.task} /> : null}
            {needsSupplement(o) && !(o.sync === 'draft' && draft?.mode === 'supplement') ? (
              <button class="button" type="button" disabled={busy} onClick={() => void supplement()}>
                {t('dossier.supplement')}
              </button>
            ) : null}

            {result ? (
              <section class="result" aria-labelledby="result-title">
                <h2 id="result-title" style="margin:0">
                  {t('dossier.result_title')}
                </h2>
                <p style="margin:0;font-weight:700">
                  {result.outcome === 'rejected' ? t('dossier.result_rejected') : t('dossier.result_approved')}
                </p>
                {result.document_number ? (
                  <p style="margin:0">{t('dossier.result_document', { kind: result.document_kind ?? '', number: result.document_number })}</p>
                ) : null}
                {result.summary ? <p style="margin:0">{result.summary}</p> : null}
                {result.issued_at ? <p style="margin:0">{t('dossier.result_issued', { date: formatWhen(result.issued_at) })}</p> : null}
                {o.result ? <ResultCheckBox row={o.result} /> : null}
              </section>
            ) : null}
            {row.status === 'done' && row.sync_state !== 'queued' ? (
              <button
                class="button button--secondary"
                type="button"
                disabled={busy}
                onClick={() => {
                  setBusy(true);
                  markResultReturned(row.id).then(
                    () => setBusy(false),
                    (e: unknown) => {
                      setBusy(false);
                      setError(e instanceof Error ? e.message : String(e));
                    },
                  );
                }}
              >
                {t('dossier.return_result')}
              </button>
            ) : null}
            {o.rating ? <p class="notice">{t('dossier.rated', { rating: t(`rating.${o.rating.rating}` as MessageKey) })}</p> : null}
            {canRate(o) ? (
              <a class="button" href={href(`/dossiers/${encodeURIComponent(row.id)}/rate`)}>
                {t('dossier.rate')}
              </a>
            ) : null}
            </div>
            <dl class="facts">
              <dt>{t('dossier.pick_applicant')}</dt>
              <dd>{applicant?.full_name ?? t('dossier.unknown_applicant')}</dd>
              {household ? (
                <>
                  <dt>{t('household.address')}</dt>
                  <dd>
                    <a href={href(`/households/${encodeURIComponent(household.id)}`)}>{t('household.title', { name: household.head_name })}</a>
                    {' — '}
                    {household.address}
                  </dd>
                </>
              ) : null}
            </dl>
            {/* The commune's status is the server's word: only after its signed receipt. */}
            {serverStatusVisible(o) ? (
              <>
                <p>{t('dossier.server_status', { status: serverStatusLabel(row.status, lang) })}</p>
                {row.server?.official_code ? <p>{t('dossier.official_code', { code: row.server.official_code })}</p> : null}
                {row.server?.due_date ? <p>{t('dossier.due_date', { date: formatWhen(row.server.due_date) })}</p> : null}
              </>
            ) : null}
            {receiptCode && o.sync !== 'sent' ? <p>{t('dossier.receipt_code', { code: receiptCode })}</p> : null}
            {verdict === 'valid' ? <p class="ok">✓ {t('dossier.receipt_valid')}</p> : null}
            {verdict === 'invalid' ? (
              <p class="error" role="alert">
                {t('dossier.receipt_invalid')}
              </p>
            ) : null}
            {verdict === 'unverified' ? <p class="muted">{t('dossier.receipt_unverified')}</p> : null}
            {draft?.signed_at && draft.signer_name ? (
              <p class="muted">{t('dossier.signed_by', { name: draft.signer_name, time: formatWhen(draft.signed_at) })}</p>
            ) : null}
            {fill !== undefined ? <FillTime seconds={fill} /> : null}
            {prefilled !== undefined && total ? (
              <p class="muted">{t('dossier.prefill_stats', { prefilled, total, percent: Math.round((prefilled * 100) / total) })}</p>
            ) : null}

            {error ? (
              <p class="error" role="alert">
                {t('common.error', { message: error })}
              </p>
            ) : null}
          </Screen>
        );
      }}
    </LiveView>
  );
}

/**
 * The commune's signature on the result, checked now on this device from the local store only
 * (src/verify/results-check.ts), and the issued PDF, offered only after its bytes are re-checked.
 */
function ResultCheckBox(props: { row: ResultRow }): JSX.Element {
  const { row } = props;
  const [state, setState] = useState<LocalResultState | undefined>();
  const [pdfUrl, setPdfUrl] = useState<string | undefined>();
  const stamp = `${row.id}:${row.version}:${row.check?.verified_at ?? ''}:${row.pdf?.at ?? ''}:${JSON.stringify(row.data).length}`;
  useEffect(() => {
    let live = true;
    let url: string | undefined;
    localResultState(row).then(
      (next) => {
        if (!live) return;
        setState(next);
        if (next.pdf) {
          url = URL.createObjectURL(next.pdf);
          setPdfUrl(url);
        } else setPdfUrl(undefined);
      },
      (e: unknown) => {
        if (live) setState({ check: { verdict: 'invalid', version: row.version, verified_at: new Date().toISOString(), reason_vi: String(e), reason_en: String(e) } });
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [stamp]);
  if (!state) return <p class="muted result-check">{t('dossier.result_checking')}</p>;
  const en = getLang() === 'en';
  const { check } = state;
  const reason = en ? check.reason_en : check.reason_vi;
  const pdfReason = (en ? state.pdfReason_en : state.pdfReason_vi) ?? (row.pdf?.state === 'mismatch' ? (en ? row.pdf.reason_en : row.pdf.reason_vi) : undefined);
  return (
    <div class="result-check" data-verdict={check.verdict}>
      {check.verdict === 'valid' ? (
        <>
          <p class="ok" role="status" style="margin:0">
            ✓ {t('dossier.result_valid', { commune: communeShortName(check.commune_name ?? check.commune_id ?? '') })}
          </p>
          <p class="muted" style="margin:0">{t('dossier.result_valid_detail', { key: check.key_id ?? '' })}</p>
        </>
      ) : check.verdict === 'invalid' ? (
        <div class="banner banner--update" role="alert" style="border:3px solid var(--error)">
          <p class="error" style="margin:0">⚠ {t('dossier.result_invalid')}</p>
          {reason ? <p style="margin:0">{reason}</p> : null}
        </div>
      ) : (
        <p class="muted" style="margin:0">{t('dossier.result_unverified')}</p>
      )}
      {check.verdict === 'valid' && pdfUrl ? (
        <a class="button button--secondary" href={pdfUrl} target="_blank" rel="noopener" type="application/pdf">
          {t('dossier.result_pdf')}
        </a>
      ) : check.verdict === 'valid' && pdfReason ? (
        <p class="error" role="alert" style="margin:0">{t('dossier.result_pdf_bad', { reason: pdfReason })}</p>
      ) : check.verdict === 'valid' ? (
        <p class="muted" style="margin:0">{t('dossier.result_pdf_pending')}</p>
      ) : null}
    </div>
  );
}
