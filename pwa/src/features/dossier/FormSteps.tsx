/**
 * The form, one step (catalogue section, SPEC-forms SEC1–SEC2) at a time, for a thumb on a 360 px
 * screen: the step's progress, the fields left to type first, the prefilled ones collapsed in a
 * summary the volunteer can open and check ("15 trường đã điền sẵn — xem lại").
 *
 * Where a field sits is decided the first time the step shows it and then kept, so a field does not
 * jump out from under the thumb while it is being corrected; fields revealed later (the father's,
 * once "father known" is chosen) join the summary if they arrive prefilled.
 */
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { fieldElementId, FormRenderer, type MemberChoice } from '../../forms/FormRenderer';
import { issuesByPath } from '../../forms/messages';
import type { FormField, FormSection, FormValues } from '../../forms/schema';
import { localized, t } from '../../i18n';
import { sectionViews, type FormIssue, type JsonObject, type SectionView } from '../../sync/forms';

export interface FormStepsProps {
  fields: readonly FormField[];
  sections: readonly FormSection[] | undefined;
  values: FormValues;
  /** Live prefill (new dossiers); `{}` when nothing is prefilled. */
  prefill: JsonObject;
  issues: readonly FormIssue[];
  today: string;
  memberIds: readonly string[];
  members: readonly MemberChoice[];
  /** The step shown (draft.section); the first one when unknown. */
  current: string | undefined;
  onStep: (key: string) => void;
  onChange: (fn: (previous: FormValues) => FormValues) => void;
  /** After the last step. */
  onDone: () => void;
  /** Count of prefilled fields over the whole form, for the notice on the first step. */
  counts?: { prefilled: number; total: number } | undefined;
}

const rootOf = (path: string): string => path.split(/[.[]/, 1)[0]!;

export function FormSteps(props: FormStepsProps): JSX.Element {
  const { fields, values, prefill, issues } = props;
  const views: SectionView[] = sectionViews(fields, props.sections, values, prefill, props.today, props.memberIds);
  const index = Math.max(0, views.findIndex((v) => v.key === props.current));
  const view = views[index];
  // Both belong to one step: moving to another step closes the summary and hides the errors.
  const [errorsFor, setErrorsFor] = useState<string | undefined>();
  const [openFor, setOpenFor] = useState<string | undefined>();
  // Sticky split for the step on screen (see module doc).
  const placed = useRef<{ key: string | undefined; collapsed: Set<string>; open: Set<string> }>({ key: undefined, collapsed: new Set(), open: new Set() });
  if (placed.current.key !== view?.key) placed.current = { key: view?.key, collapsed: new Set(), open: new Set() };
  for (const k of view?.prefilled ?? []) if (!placed.current.open.has(k)) placed.current.collapsed.add(k);
  for (const k of view?.to_type ?? []) if (!placed.current.collapsed.has(k)) placed.current.open.add(k);
  const collapsed = placed.current.collapsed;
  if (!view) return <p class="muted">—</p>;
  const showErrors = errorsFor === view.key;
  const open = openFor === view.key;
  const title = props.sections?.find((s) => s.key === view.key)?.title;
  const toType = new Set(view.visible.filter((k) => !collapsed.has(k)));
  const summary = new Set(view.visible.filter((k) => collapsed.has(k)));
  const stepIssues = issues.filter((i) => view.visible.includes(rootOf(i.path)));
  const errors = showErrors ? issuesByPath(stepIssues) : undefined;
  const last = index === views.length - 1;

  const next = (e: Event): void => {
    e.preventDefault();
    if (stepIssues.length > 0) {
      setErrorsFor(view.key);
      const first = stepIssues[0]!;
      if (summary.has(rootOf(first.path))) setOpenFor(view.key);
      // After the summary has opened, focus the first field to fix.
      setTimeout(() => document.getElementById(fieldElementId('f', first.path))?.focus(), 0);
      return;
    }
    if (last) props.onDone();
    else props.onStep(views[index + 1]!.key);
    globalThis.scrollTo?.(0, 0);
  };
  const renderer = (only: ReadonlySet<string>): JSX.Element => (
    <FormRenderer
      fields={fields}
      values={values}
      onChange={props.onChange}
      prefilled={prefill}
      errors={errors}
      members={props.members}
      only={only}
    />
  );

  return (
    <form class="stack form-steps" onSubmit={next} noValidate>
      <div class="section-head">
        <p class="section-title" aria-live="polite">
          {t('wizard.section', { n: index + 1, total: views.length, name: title ? localized(title) : t('wizard.step.form') })}
        </p>
        <ol class="section-progress" aria-hidden="true">
          {views.map((v, i) => (
            <li key={v.key} class={i < index ? 'done' : i === index ? 'current' : ''} />
          ))}
        </ol>
      </div>
      {index === 0 && props.counts && props.counts.total > 0 ? (
        <p class="notice">{t('wizard.prefill_count', { prefilled: props.counts.prefilled, total: props.counts.total })}</p>
      ) : null}
      {toType.size > 0 ? renderer(toType) : <p class="muted">{t('wizard.section_all_prefilled')}</p>}
      {summary.size > 0 ? (
        <details class="prefilled-summary" open={open} onToggle={(e) => setOpenFor((e.currentTarget as HTMLDetailsElement).open ? view.key : undefined)}>
          <summary>{t('wizard.prefilled_summary', { count: summary.size })}</summary>
          {renderer(summary)}
        </details>
      ) : null}
      {showErrors && stepIssues.length > 0 ? (
        <p class="error" role="alert">
          {t('wizard.fix_form', { count: stepIssues.length })}
        </p>
      ) : null}
      <div class="wizard-nav">
        {index > 0 ? (
          <button class="button button--secondary" type="button" onClick={() => props.onStep(views[index - 1]!.key)}>
            {t('wizard.prev')}
          </button>
        ) : null}
        <button class="button" type="submit">
          {last ? t('wizard.to_documents') : t('wizard.next')}
        </button>
      </div>
    </form>
  );
}
