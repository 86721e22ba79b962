/**
 * The commune's signer of result papers (issue 11): the name and title printed in the signature
 * block of every result, from the commune's settings (`GET/PUT /api/review/communes/{id}/signer`).
 * Papers already issued keep the signer they were signed with. Officers set their own commune's;
 * an admin picks the commune.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, sendJson } from '../../api/http';
import { ot } from '../i18n';
import type { Signer } from '../types';
import { ErrorBox } from '../ui';
import { CommuneSelect, useCommunes } from './CommunePicker';

/** The server's limit (backend/results/service.py MAX_SIGNER). */
export const MAX_SIGNER = 120;

export function SignerScreen(props: { role: string; communeId: string }): JSX.Element {
  const admin = props.role === 'admin';
  const [commune, setCommune] = useState(admin ? '' : props.communeId);
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [loaded, setLoaded] = useState<Signer | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const communes = useCommunes(admin, setError);
  useEffect(() => {
    setLoaded(undefined);
    setSaved(false);
    if (!commune) return;
    getJson<Signer>(`/api/review/communes/${encodeURIComponent(commune)}/signer`).then((s) => {
      setLoaded(s);
      setName(s.signer_name);
      setTitle(s.signer_title);
    }, setError);
  }, [commune]);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!commune) return;
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const s = await sendJson<Signer>(`/api/review/communes/${encodeURIComponent(commune)}/signer`, { signer_name: name, signer_title: title }, 'PUT');
      setLoaded(s);
      setName(s.signer_name);
      setTitle(s.signer_title);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="oc-signer-title">
      <h1 id="oc-signer-title" tabIndex={-1}>
        {ot('signer.title')}
      </h1>
      <p>{ot('signer.explain')}</p>
      <form class="oc-card oc-stack" onSubmit={submit}>
        {admin ? (
          <CommuneSelect communes={communes} value={commune} onChange={setCommune} />
        ) : null}
        <label class="oc-field">
          <span>{ot('signer.job_title')}</span>
          <input name="signer_title" value={title} maxLength={MAX_SIGNER} placeholder={ot('signer.job_title_example')} disabled={!loaded}
            onInput={(e) => { setTitle((e.currentTarget as HTMLInputElement).value); setSaved(false); }} />
        </label>
        <label class="oc-field">
          <span>{ot('signer.name')}</span>
          <input name="signer_name" value={name} maxLength={MAX_SIGNER} autoComplete="name" disabled={!loaded}
            onInput={(e) => { setName((e.currentTarget as HTMLInputElement).value); setSaved(false); }} />
        </label>
        <div class="oc-preview" aria-label={ot('signer.preview')}>
          <p class="oc-muted">{ot('signer.preview')}</p>
          <p><strong>{title.trim() || '—'}</strong></p>
          <p>{name.trim() || '—'}</p>
        </div>
        <div>
          <button type="submit" class="oc-btn oc-btn--primary" disabled={busy || !loaded}>
            {busy ? ot('common.sending') : ot('signer.save')}
          </button>
        </div>
        {saved ? (
          <p class="oc-success" role="status">
            {ot('signer.saved')}
          </p>
        ) : null}
        <ErrorBox error={error} />
      </form>
    </section>
  );
}
