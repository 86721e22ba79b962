/**
 * Document checklist: one card per component of the procedure (name, required, minimum count,
 * accepted kinds). Files are prepared on the device (images compressed), shown with their size,
 * and stored only when the volunteer taps "Lưu tệp này".
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { localized, t } from '../../i18n';
import { PhotoPicker } from '../../media/PhotoPicker';
import { prepareFile, type PreparedFile } from '../../media/prepare';
import type { TaskRow } from '../../store/types';
import { storeFile, withAttachment, withoutAttachment } from './actions';
import type { ComponentDef } from './model';
import { supplementItems } from './status';
import type { AttachmentRef, DossierDraft } from './types';
import { BlobThumb, kindsLabel, size } from './ui';

export function DocumentsStep(props: {
  draft: DossierDraft;
  components: readonly ComponentDef[];
  task: TaskRow | undefined;
  update: (fn: (d: DossierDraft) => DossierDraft) => void;
}): JSX.Element {
  const { draft, components, update } = props;
  const asked = new Map(supplementItems(props.task).filter((i) => i.component_code).map((i) => [i.component_code!, i.problem]));
  if (components.length === 0) return <p class="muted">—</p>;
  return (
    <div>
      {components.map((c) => (
        <ComponentCard
          key={c.code}
          def={c}
          refs={draft.components[c.code] ?? []}
          problem={asked.get(c.code)}
          onSaved={(ref, replacing) =>
            update((d) => withAttachment(replacing ? withoutAttachment(d, c.code, replacing) : d, c.code, ref, new Date()))
          }
          onRemove={(sha) => update((d) => withoutAttachment(d, c.code, sha))}
        />
      ))}
    </div>
  );
}

interface Pending {
  file: PreparedFile;
  url: string;
}

function ComponentCard(props: {
  def: ComponentDef;
  refs: AttachmentRef[];
  problem: string | undefined;
  onSaved: (ref: AttachmentRef, replacing: string | undefined) => void;
  onRemove: (sha256: string) => void;
}): JSX.Element {
  const { def, refs } = props;
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending | undefined>();
  const [queue, setQueue] = useState<File[]>([]);
  const [replacing, setReplacing] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  // The volunteer checks the photo at full size (every pixel) before keeping it.
  const [fullSize, setFullSize] = useState(false);
  const name = localized(def.name);
  const idPrefix = `c-${def.code}`;
  const short = def.required && refs.length < def.min_count;

  useEffect(() => () => pending && URL.revokeObjectURL(pending.url), [pending]);

  // Prepare the next picked file when nothing is waiting for confirmation.
  useEffect(() => {
    if (pending || busy || queue.length === 0) return;
    const [next, ...rest] = queue;
    setQueue(rest);
    setBusy(true);
    setError(undefined);
    prepareFile(next!, def.accepted).then(
      (file) => {
        setPending({ file, url: URL.createObjectURL(file.blob) });
        setBusy(false);
      },
      () => {
        setError(t('docs.unsupported'));
        setBusy(false);
      },
    );
  }, [queue, pending, busy]);

  const save = async (): Promise<void> => {
    if (!pending) return;
    setBusy(true);
    try {
      const ref = await storeFile(pending.file);
      props.onSaved(ref, replacing);
      setReplacing(undefined);
      setPending(undefined);
      setFullSize(false);
    } catch (e) {
      setError(t('common.error', { message: String(e) }));
    } finally {
      setBusy(false);
    }
  };

  const retake = (sha: string): void => {
    setReplacing(sha);
    document.getElementById(`${idPrefix}-camera`)?.click();
  };

  return (
    <section class={`card${short ? ' card--missing' : ''}`} aria-labelledby={`${idPrefix}-title`}>
      <h3 id={`${idPrefix}-title`}>{name}</h3>
      <p class="muted" style="margin:0">
        <strong class={def.required ? 'error' : ''} style={def.required ? 'display:inline' : ''}>
          {def.required ? t('docs.required') : t('docs.optional')}
        </strong>
        {' · '}
        {countRule(def) ? `${countRule(def)} · ` : ''}
        {t('docs.accepted', { kinds: kindsLabel(def.accepted) })}
      </p>
      {def.help ? <p class="help">{localized(def.help)}</p> : null}
      {props.problem ? <p class="warning">{props.problem}</p> : null}
      <p style="margin:0" aria-live="polite">{t('docs.count', { count: refs.length })}</p>
      {refs.length > 0 ? (
        <ul class="thumbs">
          {refs.map((r, i) => (
            <li key={r.sha256} class="thumb">
              <BlobThumb sha256={r.sha256} type={r.type} alt={t('docs.thumb_alt', { n: i + 1, name })} />
              {r.size ? <span class="muted">{size(r.size)}</span> : null}
              {def.accepted.includes('image') && r.type !== 'application/pdf' ? (
                <button type="button" class="button button--secondary" onClick={() => retake(r.sha256)} disabled={busy}>
                  {t('docs.retake')}
                </button>
              ) : null}
              <button type="button" class="button button--secondary" onClick={() => props.onRemove(r.sha256)} disabled={busy}>
                {t('docs.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {busy && !pending ? <p role="status">{t('docs.processing')}</p> : null}
      {pending ? (
        <div class="preview stack">
          {pending.file.type === 'application/pdf' ? (
            <p>{t('docs.pdf')}</p>
          ) : (
            <>
              <div class={fullSize ? 'preview--full' : ''} data-testid="photo-preview">
                <img src={pending.url} alt={name} />
              </div>
              <button type="button" class="button button--secondary" aria-pressed={fullSize} onClick={() => setFullSize((v) => !v)}>
                {fullSize ? t('docs.fit') : t('docs.full_size')}
              </button>
            </>
          )}
          <p role="status">
            {pending.file.type === 'application/pdf'
              ? t('docs.file_size', { size: size(pending.file.size) })
              : t('docs.preview_size', { size: size(pending.file.size), original: size(pending.file.originalSize) })}
          </p>
          {!pending.file.withinTarget ? <p class="warning">{t('docs.over_target')}</p> : null}
          <div class="actions">
            <button type="button" class="button" onClick={() => void save()} disabled={busy}>
              {t('docs.save')}
            </button>
            <button
              type="button"
              class="button button--secondary"
              onClick={() => {
                setPending(undefined);
                setReplacing(undefined);
              }}
              disabled={busy}
            >
              {t('docs.discard')}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <PhotoPicker idPrefix={idPrefix} accepted={def.accepted} disabled={busy || !!pending} onFiles={(files) => setQueue((q) => [...q, ...files])} />
    </section>
  );
}

/**
 * The count rule as the volunteer reads it, never contradicting "Không bắt buộc": a required item
 * says its minimum; an optional one says nothing when one file is enough, else "if given, at least N".
 */
export function countRule(def: Pick<ComponentDef, 'required' | 'min_count'>): string | undefined {
  if (def.required) return t('docs.min_count', { count: def.min_count });
  return def.min_count > 1 ? t('docs.min_count_if_any', { count: def.min_count }) : undefined;
}
