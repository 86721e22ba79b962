/**
 * Review before signing: every answer as it will be signed, the documents with thumbnails, and
 * what is missing, highlighted. The way to the signature is closed until the dossier is complete.
 */
import type { JSX } from 'preact';
import type { FormField } from '../../forms/schema';
import { localized, t } from '../../i18n';
import { isObject } from '../../sync/forms';
import type { DossierContext } from './context';
import type { ComponentDef, Readiness } from './model';
import type { DossierDraft } from './types';
import { BlobThumb, formatWhen, size } from './ui';

function display(field: FormField, value: unknown, ctx: DossierContext): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'select') {
    const opt = field.options?.find((o) => o.value === value);
    return opt ? localized(opt.label) : String(value);
  }
  if (field.type === 'member') return ctx.members.find((m) => m.id === value)?.full_name ?? String(value);
  if (field.type === 'date' && typeof value === 'string') return formatWhen(value);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function Answers(props: { fields: readonly FormField[]; data: Record<string, unknown>; ctx: DossierContext }): JSX.Element {
  const shown = props.fields.filter((f) => props.data[f.key] !== undefined);
  return (
    <dl class="answers">
      {shown.map((f) => {
        const value = props.data[f.key];
        if (f.type === 'repeat' && Array.isArray(value)) {
          return [
            <dt key={`${f.key}-t`}>{localized(f.label)}</dt>,
            <dd key={`${f.key}-d`}>
              {value.map((item, i) => (
                <div key={i} class="card">
                  <strong>{t('form.item_title', { label: localized(f.label), n: i + 1 })}</strong>
                  <Answers fields={f.fields ?? []} data={isObject(item) ? { ...item } : {}} ctx={props.ctx} />
                </div>
              ))}
            </dd>,
          ];
        }
        return [<dt key={`${f.key}-t`}>{localized(f.label)}</dt>, <dd key={`${f.key}-d`}>{display(f, value, props.ctx)}</dd>];
      })}
    </dl>
  );
}

export function ReviewStep(props: {
  draft: DossierDraft;
  fields: readonly FormField[];
  data: Record<string, unknown>;
  components: readonly ComponentDef[];
  ctx: DossierContext;
  ready: Readiness;
  onEditForm: () => void;
  onEditDocs: () => void;
  onNext: () => void;
}): JSX.Element {
  const { draft, ready } = props;
  const missingCodes = new Set(ready.missing.map((m) => m.component.code));
  return (
    <div class="stack">
      {ready.ready ? (
        <p class="notice" role="status">
          {t('wizard.ready')}
        </p>
      ) : (
        <div class="warning" role="alert">
          <p style="margin:0;font-weight:700">{t('wizard.not_ready')}</p>
          <ul>
            {ready.issues.length > 0 ? <li>{t('wizard.fix_form', { count: ready.issues.length })}</li> : null}
            {ready.missing.map((m) => (
              <li key={m.component.code} class="error">
                {t('wizard.missing_component', { name: localized(m.component.name), need: m.need, have: m.have })}
              </li>
            ))}
          </ul>
        </div>
      )}

      <h2>{t('wizard.review_answers')}</h2>
      <Answers fields={props.fields} data={props.data} ctx={props.ctx} />
      <button type="button" class="button button--secondary" onClick={props.onEditForm}>
        {t('wizard.edit_form')}
      </button>

      <h2>{t('wizard.review_docs')}</h2>
      {props.components.map((c) => {
        const refs = draft.components[c.code] ?? [];
        const name = localized(c.name);
        return (
          <section key={c.code} class={`card${missingCodes.has(c.code) ? ' card--missing' : ''}`}>
            <h3>{name}</h3>
            <p class={missingCodes.has(c.code) ? 'error' : 'muted'} style="margin:0">
              {c.required ? t('docs.required') : t('docs.optional')} · {t('docs.count', { count: refs.length })}
            </p>
            {refs.length ? (
              <ul class="thumbs">
                {refs.map((r, i) => (
                  <li key={r.sha256} class="thumb">
                    <BlobThumb sha256={r.sha256} type={r.type} alt={t('docs.thumb_alt', { n: i + 1, name })} />
                    {r.size ? <span class="muted">{size(r.size)}</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        );
      })}
      <button type="button" class="button button--secondary" onClick={props.onEditDocs}>
        {t('wizard.edit_docs')}
      </button>

      <div class="wizard-nav">
        <button type="button" class="button" onClick={props.onNext} disabled={!ready.ready} aria-disabled={!ready.ready}>
          {t('wizard.to_consent')}
        </button>
      </div>
    </div>
  );
}
