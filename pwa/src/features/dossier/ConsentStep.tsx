/**
 * The applicant's consent: a Vietnamese consent text, the signer's name (the applicant by
 * default), a signature drawn on the screen; then the device signs and queues the dossier.
 */
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { localToday } from '../../forms/messages';
import { t } from '../../i18n';
import { SignaturePad, type SignaturePadHandle } from '../../media/SignaturePad';
import { navigate } from '../../router';
import type { JsonObject } from '../../sync/forms';
import type { DossierContext } from './context';
import { NotReadyError, signDossier } from './sign';
import type { DossierDraft } from './types';

export function ConsentStep(props: {
  draft: DossierDraft;
  ctx: DossierContext;
  procedureName: string;
  volunteerName: string;
  ready: boolean;
  prefill: JsonObject;
  /** Resolves when every pending draft write is stored. */
  flush: () => Promise<unknown>;
  onBack: () => void;
}): JSX.Element {
  const { ctx } = props;
  const pad = useRef<SignaturePadHandle>(null);
  const [name, setName] = useState(props.draft.signer_name ?? ctx.applicant?.full_name ?? '');
  const [ink, setInk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const sign = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!name.trim()) return setError(t('consent.need_name'));
    const png = await pad.current?.toPng();
    if (!png) return setError(t('consent.need_signature'));
    setBusy(true);
    setError(undefined);
    try {
      await props.flush();
      await signDossier({
        dossierId: props.draft.dossier_id,
        fields: ctx.procedure!.form.fields,
        components: ctx.components,
        prefill: props.prefill,
        memberIds: ctx.members.map((m) => m.id),
        today: localToday(),
        signature: png,
        signerName: name,
      });
      navigate(`/dossiers/${encodeURIComponent(props.draft.dossier_id)}?signed=1`);
    } catch (err) {
      setBusy(false);
      if (err instanceof NotReadyError) {
        setError(t('wizard.not_ready'));
        props.onBack();
      } else {
        setError(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
      }
    }
  };

  return (
    <form class="stack" onSubmit={(e) => void sign(e)} noValidate>
      <h2>{t('consent.title')}</h2>
      <p class="notice">
        {t('consent.text', {
          name: name.trim() || ctx.applicant?.full_name || '…',
          volunteer: props.volunteerName || '…',
          procedure: props.procedureName,
        })}
      </p>
      <div class="field">
        <label for="consent-name">{t('consent.signer')}</label>
        <input id="consent-name" type="text" autoComplete="off" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value.normalize('NFC'))} />
      </div>
      <div class="field">
        <span id="consent-signature-label" style="font-weight:600">
          {t('consent.signature')}
        </span>
        <SignaturePad label={t('consent.signature')} handle={pad} onInk={setInk} />
      </div>
      {!props.ready ? <p class="error">{t('wizard.not_ready')}</p> : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="wizard-nav">
        <button type="button" class="button button--secondary" onClick={props.onBack} disabled={busy}>
          {t('wizard.prev')}
        </button>
        <button type="submit" class="button" disabled={busy || !props.ready || !ink || !name.trim()}>
          {busy ? t('consent.signing') : t('consent.sign')}
        </button>
      </div>
    </form>
  );
}
