/**
 * The dossier wizard: form → documents → review → consent and signature. State lives in the
 * draft row and is written on every change (serialised, so writes never overtake each other);
 * reopening the route after a reload or an app kill resumes at the saved step.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { localToday } from '../../forms/messages';
import type { FormField, FormValues } from '../../forms/schema';
import { localized, t, type MessageKey } from '../../i18n';
import { navigate } from '../../router';
import { db } from '../../store/db';
import { getSession } from '../../store/repo';
import type { TaskRow } from '../../store/types';
import { Screen } from '../../ui/common';
import { relationshipLabel } from '../../screens/Household';
import { ConsentStep } from './ConsentStep';
import { loadContext, prefillFor, type DossierContext } from './context';
import { DocumentsStep } from './DocumentsStep';
import { FormSteps } from './FormSteps';
import { loadDraft, saveDraft } from './drafts';
import { countPrefilled, formData, formIssues, missingComponents, readiness, recordEdits, startFillTimer } from './model';
import { ReviewStep } from './ReviewStep';
import { draftValues } from './sign';
import { WIZARD_STEPS, type DossierDraft, type WizardStep } from './types';
import { duration, SupplementBox } from './ui';

interface Loaded {
  draft: DossierDraft;
  ctx: DossierContext;
  volunteerName: string;
  task: TaskRow | undefined;
}

async function load(dossierId: string): Promise<Loaded | undefined> {
  const draft = await loadDraft(dossierId);
  if (!draft) return undefined;
  const ctx = await loadContext({
    householdId: draft.household_id,
    applicantId: draft.applicant_member_id,
    procedureCode: draft.procedure_code,
    procedureVersion: draft.procedure_version,
  });
  const session = await getSession();
  const tasks = await db().tasks.where('dossier_id').equals(dossierId).toArray();
  const task = tasks.find((x) => x.kind === 'supplement_request' && x.status === 'open');
  return { draft, ctx, volunteerName: session?.user.full_name ?? '', task };
}

export function DossierWizard(props: { dossierId: string }): JSX.Element {
  const [state, setState] = useState<{ status: 'loading' } | { status: 'missing' } | { status: 'ready'; value: Loaded } | { status: 'error'; error: string }>({
    status: 'loading',
  });
  useEffect(() => {
    load(props.dossierId).then(
      (value) => setState(value ? { status: 'ready', value } : { status: 'missing' }),
      (e: unknown) => setState({ status: 'error', error: String(e) }),
    );
  }, [props.dossierId]);
  if (state.status === 'loading') return <p class="muted">{t('common.loading')}</p>;
  if (state.status === 'error') return <p class="error" role="alert">{t('common.error', { message: state.error })}</p>;
  if (state.status === 'missing') {
    return (
      <Screen title={t('dossier.not_found')} back="/dossiers">
        <p class="muted">{t('dossier.not_found')}</p>
      </Screen>
    );
  }
  const { draft } = state.value;
  if (draft.signed_at) {
    // A signed round is final; the detail screen offers what can be done next.
    navigate(`/dossiers/${encodeURIComponent(props.dossierId)}`);
    return <p class="muted">{t('common.loading')}</p>;
  }
  if (!state.value.ctx.procedure) {
    return (
      <Screen title={t('dossier.procedure_missing')} back="/dossiers">
        <p class="muted">{t('dossier.procedure_missing')}</p>
      </Screen>
    );
  }
  return <Wizard key={draft.dossier_id} loaded={state.value} />;
}

function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

function Wizard(props: { loaded: Loaded }): JSX.Element {
  const { ctx, volunteerName, task } = props.loaded;
  const procedure = ctx.procedure!;
  const fields: readonly FormField[] = procedure.form.fields;
  const [draft, setDraft] = useState(props.loaded.draft);
  const current = useRef(draft);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const [saveError, setSaveError] = useState<string | undefined>();

  const prefillOf = (d: DossierDraft): Record<string, unknown> => (d.mode === 'new' ? prefillFor(fields, ctx, d.typed) : {});

  /** Apply a change to the draft: state at once, storage in order. */
  const update = (fn: (d: DossierDraft) => DossierDraft): void => {
    const next = fn(current.current);
    if (next === current.current) return;
    current.current = next;
    setDraft(next);
    const values = draftValues(next, prefillOf(next));
    chain.current = chain.current
      .then(() => saveDraft(next, values))
      .then(
        () => setSaveError(undefined),
        (e: unknown) => setSaveError(String(e)),
      );
  };

  const prefill = useMemo(() => prefillOf(draft), [draft.typed, draft.mode]);
  const values = draftValues(draft, prefill);
  const data = formData(fields, values);
  const memberIds = ctx.members.map((m) => m.id);
  const today = localToday();
  const issues = formIssues(fields, data, today, memberIds);
  const missing = missingComponents(ctx.components, draft.components);
  const ready = readiness(issues, missing);
  const counts = draft.mode === 'new' ? countPrefilled(fields, data, prefill) : undefined;

  const running = !!draft.fill_started_at && draft.fill_seconds === undefined;
  const now = useTicker(running);
  const elapsed = draft.fill_started_at ? Math.max(0, Math.floor((now - Date.parse(draft.fill_started_at)) / 1000)) : 0;

  const stepIndex = Math.max(0, WIZARD_STEPS.indexOf(draft.step));
  const go = (step: WizardStep, section?: string): void => {
    update((d) => ({ ...d, step, ...(section !== undefined ? { section } : {}) }));
    globalThis.scrollTo?.(0, 0);
  };

  const onFormChange = (fn: (previous: FormValues) => FormValues): void =>
    update((d) => {
      const p = prefillOf(d);
      const shown = draftValues(d, p);
      const next = fn(shown);
      return startFillTimer({ ...d, typed: recordEdits(d.typed, shown, next) }, new Date());
    });

  /** The form step holding the first issue (back from the review), else the first step. */
  const firstSectionWithIssue = (): string | undefined => {
    const root = issues[0]?.path.split(/[.[]/, 1)[0];
    return procedure.form.sections?.find((s) => root !== undefined && s.fields.includes(root))?.key ?? procedure.form.sections?.[0]?.key;
  };

  const stepName = t(`wizard.step.${draft.step}` as MessageKey);
  const back = `/dossiers/${encodeURIComponent(draft.dossier_id)}`;
  const members = ctx.members.map((m) => ({ id: m.id, full_name: m.full_name, detail: relationshipLabel(m.relationship) }));

  return (
    <Screen title={localized(procedure.name)} back={back}>
      <p class="steps" aria-live="polite">
        {t('wizard.step', { n: stepIndex + 1, total: WIZARD_STEPS.length, name: stepName })}
      </p>
      <p class="wizard-meta">
        <span>{t('dossier.applicant', { name: ctx.applicant?.full_name ?? t('dossier.unknown_applicant') })}</span>
        {draft.fill_started_at && draft.mode === 'new' ? <span>{t('wizard.timer', { time: duration(draft.fill_seconds ?? elapsed) })}</span> : null}
        <span>{saveError ? <span class="error">{t('common.error', { message: saveError })}</span> : t('wizard.saved')}</span>
      </p>
      {draft.mode === 'supplement' ? (
        <>
          <p class="notice">{t('wizard.supplement_mode')}</p>
          {task ? <SupplementBox task={task} /> : null}
        </>
      ) : null}

      {draft.step === 'form' ? (
        <FormSteps
          fields={fields}
          sections={procedure.form.sections}
          values={values}
          prefill={draft.mode === 'new' ? prefill : {}}
          issues={issues}
          today={today}
          memberIds={memberIds}
          members={members}
          current={draft.section}
          counts={counts}
          onStep={(section) => {
            update((d) => ({ ...d, section }));
            globalThis.scrollTo?.(0, 0);
          }}
          onChange={onFormChange}
          onDone={() => go('documents')}
        />
      ) : null}

      {draft.step === 'documents' ? (
        <>
          <DocumentsStep draft={draft} components={ctx.components} task={task} update={update} />
          <div class="wizard-nav">
            <button class="button button--secondary" type="button" onClick={() => go('form', procedure.form.sections?.at(-1)?.key)}>
              {t('wizard.prev')}
            </button>
            <button class="button" type="button" onClick={() => go('review')}>
              {t('wizard.next')}
            </button>
          </div>
        </>
      ) : null}

      {draft.step === 'review' ? (
        <ReviewStep
          draft={draft}
          fields={fields}
          data={data}
          components={ctx.components}
          ctx={ctx}
          ready={ready}
          onEditForm={() => go('form', firstSectionWithIssue())}
          onEditDocs={() => go('documents')}
          onNext={() => go('consent')}
        />
      ) : null}

      {draft.step === 'consent' ? (
        <ConsentStep
          draft={draft}
          ctx={ctx}
          procedureName={localized(procedure.name)}
          volunteerName={volunteerName}
          ready={ready.ready}
          flush={() => chain.current}
          prefill={prefill}
          onBack={() => go('review')}
        />
      ) : null}
    </Screen>
  );
}
