/**
 * The applicant's consent: a Vietnamese consent text, the signer's name (the applicant by
 * default), a signature drawn on the screen; then the device signs and queues the dossier.
 */
import type { JSX } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { formatDate } from '../../forms/dates';
import { localToday } from '../../forms/messages';
import { t, type MessageKey } from '../../i18n';
import { SignaturePad, type SignaturePadHandle } from '../../media/SignaturePad';
import { navigate } from '../../router';
import type { JsonObject } from '../../sync/forms';
import type { DossierContext } from './context';
import { formData } from './model';
import { newbornOf, reuseOffers, saveReuse, type Offer } from './reuse';
import { draftValues, NotReadyError, signDossier } from './sign';
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
  const data = useMemo(() => formData(ctx.procedure!.form.fields, draftValues(props.draft, props.prefill)), [props.draft, props.prefill]);
  const offers = useMemo(() => reuseOffers(ctx.procedure!.form.fields, data, ctx), [data]);
  const newborn = useMemo(
    () => (props.draft.mode === 'new' ? newbornOf(props.draft.procedure_code, props.draft.dossier_id, data, ctx) : undefined),
    [data],
  );
  // Offers the volunteer keeps (all but a household address change, which may be the parent's own).
  const [kept, setKept] = useState<ReadonlySet<string>>(() => new Set([...offers.filter((o) => o.kind === 'member').map((o) => o.id), 'newborn']));
  const toggle = (id: string, on: boolean): void =>
    setKept((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

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
      // The dossier is signed and queued; what it teaches the household record follows.
      const saved = await saveReuse(
        props.draft.household_id,
        offers.filter((o) => kept.has(o.id)),
        newborn && kept.has('newborn') ? newborn : undefined,
      );
      if (saved.failed.length > 0) throw new Error(saved.failed.join('; '));
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
      {offers.length > 0 || newborn ? (
        <section class="reuse" aria-labelledby="reuse-title">
          <h3 id="reuse-title">{t('reuse.title')}</h3>
          <p class="help" style="margin:0">{t('reuse.hint')}</p>
          {offers.map((o) => (
            <label key={o.id} class="choice">
              <input type="checkbox" name={o.id} checked={kept.has(o.id)} onChange={(e) => toggle(o.id, (e.currentTarget as HTMLInputElement).checked)} />
              <span>
                {offerText(o, ctx.household?.head_name ?? '')}
                <span class="muted"> {t('reuse.change', { old: shown(o.attr, o.old) || '—', value: shown(o.attr, o.value) })}</span>
              </span>
            </label>
          ))}
          {newborn ? (
            <label class="choice">
              <input type="checkbox" name="newborn" checked={kept.has('newborn')} onChange={(e) => toggle('newborn', (e.currentTarget as HTMLInputElement).checked)} />
              <span>{t('reuse.newborn', { name: newborn.fields.full_name })}</span>
            </label>
          ) : null}
        </section>
      ) : null}
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

function shown(attr: string, value: string | undefined): string {
  return attr === 'date_of_birth' ? formatDate(value) : (value ?? '');
}

/** "Cập nhật số điện thoại cho Lò Thị Mai?" */
function offerText(o: Offer, headName: string): string {
  const what = o.kind === 'household' ? 'address' : o.attr;
  const name = o.kind === 'member' ? o.memberName : headName;
  return t('reuse.offer', { what: t(`reuse.what.${what}` as MessageKey), name });
}
