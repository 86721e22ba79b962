import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { fieldElementId, FormRenderer } from '../forms/FormRenderer';
import { issuesByPath, localToday } from '../forms/messages';
import type { FormValues, ProcedureDefinition } from '../forms/schema';
import { localized, t } from '../i18n';
import { href } from '../router';
import { getHousehold, getProcedure, getVillage, listProcedures, membersOf } from '../store/repo';
import type { HouseholdRow, MemberRow } from '../store/types';
import { cleanForm, resolvePrefill, validateForm, type JsonObject } from '../sync/forms';
import { ProcedurePicker } from '../features/dossier/NewDossier';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';

function definitionOf(raw: unknown): ProcedureDefinition | undefined {
  const d = raw as Partial<ProcedureDefinition> | undefined;
  return d && typeof d.code === 'string' && d.form && Array.isArray(d.form.fields) ? (d as ProcedureDefinition) : undefined;
}

const withHousehold = (path: string, householdId: string | undefined): string =>
  householdId ? `${path}?household=${encodeURIComponent(householdId)}` : path;

/**
 * The catalogue. From a household (`?household=`, optionally `&member=`) this is the entry point
 * "Lập hồ sơ mới": each procedure continues to the applicant choice and the dossier wizard.
 * Without a household it lists the procedures with a form preview.
 */
export function Procedures(props: { householdId?: string | undefined; memberId?: string | undefined }): JSX.Element {
  if (props.householdId) {
    return (
      <Screen title={t('dossier.new')} back={`/households/${props.householdId}`}>
        <p class="muted">{t('dossier.pick_procedure')}</p>
        <ProcedurePicker householdId={props.householdId} memberId={props.memberId} />
      </Screen>
    );
  }
  return <Catalogue />;
}

function Catalogue(): JSX.Element {
  const live = useLive(() => listProcedures(), []);
  return (
    <Screen title={t('procedures.title')}>
      <LiveView live={live}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="muted">{t('dossier.no_catalogue')}</p>
          ) : (
            <ul class="list">
              {rows.map((p) => {
                const def = definitionOf(p.definition);
                return (
                  <li key={`${p.code}@${p.version}`}>
                    <a class="list-item" href={href(`/procedures/${encodeURIComponent(p.code)}/${p.version}`)}>
                      <span class="list-title">{def ? localized(def.name) : p.code}</span>
                      <span class="list-sub">
                        {p.code} v{p.version} · {t('procedures.preview')}
                      </span>
                    </a>
                  </li>
                );
              })}
            </ul>
          )
        }
      </LiveView>
    </Screen>
  );
}

interface HouseholdContext {
  household: HouseholdRow;
  villageName: string | undefined;
  members: MemberRow[];
}

/**
 * Form preview — PLACEHOLDER for dossier drafting: renders a procedure's form, prefilled from the
 * household when one is given (the head of household stands in as applicant), and validates on
 * demand with the shared rules. Nothing is saved; drafting and signing arrive with the sync work.
 */
export function ProcedurePreview(props: { code: string; version: number; householdId?: string }): JSX.Element {
  const { code, version, householdId } = props;
  const live = useLive(async () => {
    const row = await getProcedure(code, version);
    const household = householdId ? await getHousehold(householdId) : undefined;
    const context: HouseholdContext | undefined = household
      ? { household, villageName: (await getVillage(household.village_id))?.name, members: await membersOf(household.id) }
      : undefined;
    return { def: definitionOf(row?.definition), context };
  }, [code, version, householdId]);
  const back = withHousehold('/procedures', householdId);
  return (
    <LiveView live={live}>
      {({ def, context }) =>
        def ? (
          <PreviewForm def={def} context={context} back={back} />
        ) : (
          <Screen title={t('procedures.not_found')} back={back}>
            <p class="muted">{t('procedures.not_found')}</p>
          </Screen>
        )
      }
    </LiveView>
  );
}

function memberJson(m: MemberRow): JsonObject {
  const { pending: _pending, search_key: _key, updated_at: _at, household_id: _h, ...rest } = m;
  return rest;
}

/** Merge prefill under what the user typed (SPEC-forms PRE5); a key the user cleared stays cleared. */
function mergeUnder(prefill: JsonObject, typed: JsonObject): FormValues {
  const out: Record<string, unknown> = { ...prefill, ...typed };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

function PreviewForm(props: { def: ProcedureDefinition; context: HouseholdContext | undefined; back: string }): JSX.Element {
  const { def, context } = props;
  const fields = def.form.fields;
  /** Only what the user changed; `undefined` marks a field the user cleared. */
  const [typed, setTyped] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<string | undefined>();

  const members = context?.members ?? [];
  const head = members.find((m) => m.relationship === 'chu_ho');
  // The user's picks for member fields drive the fields that read them (PRE3).
  const chosen: Record<string, string> = {};
  for (const f of fields) {
    const v = typed[f.key];
    if (f.type === 'member' && typeof v === 'string') chosen[f.key] = v;
  }
  const prefill = useMemo(
    () =>
      context
        ? resolvePrefill(
            fields,
            head ? memberJson(head) : null,
            head ? memberJson(head) : null,
            {
              address: context.household.address,
              head_name: context.household.head_name,
              ...(context.villageName ? { village_name: context.villageName } : {}),
            },
            members.map(memberJson),
            chosen,
          )
        : {},
    [fields, context, JSON.stringify(chosen)],
  );
  const values = mergeUnder(prefill, typed);

  const onChange = (update: (previous: FormValues) => FormValues): void =>
    setTyped((previousTyped) => {
      const current = mergeUnder(prefill, previousTyped);
      const next = update(current);
      const changed: Record<string, unknown> = { ...previousTyped };
      for (const key of new Set([...Object.keys(current), ...Object.keys(next)])) {
        if (next[key] !== current[key]) changed[key] = next[key];
      }
      return changed;
    });

  const check = (e: Event): void => {
    e.preventDefault();
    const data = cleanForm(fields, values);
    const issues = validateForm(fields, data, localToday(), context ? members.map((m) => m.id) : undefined);
    setErrors(issuesByPath(issues));
    setSummary(issues.length === 0 ? t('form.valid') : t('form.error_summary', { count: issues.length }));
    if (issues[0]) document.getElementById(fieldElementId('f', issues[0].path))?.focus();
  };

  return (
    <Screen title={localized(def.name)} back={props.back}>
      {context ? <p class="muted">{t('households.head', { name: context.household.head_name })}</p> : null}
      <form class="stack" onSubmit={check} noValidate>
        <FormRenderer
          fields={fields}
          values={values}
          onChange={onChange}
          prefilled={prefill}
          errors={errors}
          members={members.map((m) => ({ id: m.id, full_name: m.full_name }))}
        />
        {summary ? (
          <p class="notice" role="status">
            {summary}
          </p>
        ) : null}
        <button class="button" type="submit">
          {t('form.check')}
        </button>
      </form>
    </Screen>
  );
}
