/**
 * Start of the flow, from a household (or one of its members): pick a procedure from the local
 * catalogue, then the applicant among the household's members; "Bắt đầu" creates the draft and
 * opens the wizard.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ageOn } from '../../forms/dates';
import { localToday } from '../../forms/messages';
import { localized, t } from '../../i18n';
import { relationshipLabel } from '../../screens/Household';
import { href, navigate } from '../../router';
import { getHousehold, listProcedures, membersOf } from '../../store/repo';
import { LiveView, Screen } from '../../ui/common';
import { useLive } from '../../ui/hooks';
import { startDraft } from './drafts';
import { procedureOf } from './model';
import './dossier.css';

export function newDossierPath(householdId: string, extra: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams({ household: householdId });
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, String(v));
  return `/dossiers/new?${q.toString()}`;
}

/** Procedure list for a household; each entry continues to the applicant choice. */
export function ProcedurePicker(props: { householdId: string; memberId?: string }): JSX.Element {
  const live = useLive(() => listProcedures(), []);
  return (
    <LiveView live={live}>
      {(rows) => {
        const procs = rows.map((r) => ({ row: r, def: procedureOf(r.definition) })).filter((p) => p.def);
        if (procs.length === 0) return <p class="notice">{t('dossier.no_catalogue')}</p>;
        procs.sort((a, b) => localized(a.def!.name).localeCompare(localized(b.def!.name), 'vi'));
        return (
          <ul class="list">
            {procs.map(({ row, def }) => (
              <li key={`${row.code}@${row.version}`}>
                <a
                  class="list-item"
                  href={href(newDossierPath(props.householdId, { member: props.memberId, procedure: row.code, version: row.version }))}
                >
                  <span class="list-title">{localized(def!.name)}</span>
                  <span class="list-sub">
                    {row.code} v{row.version}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        );
      }}
    </LiveView>
  );
}

export function NewDossier(props: { householdId?: string; memberId?: string; procedure?: string; version?: number }): JSX.Element {
  const { householdId, memberId, procedure, version } = props;
  if (!householdId) {
    return (
      <Screen title={t('dossier.new')} back="/dossiers">
        <p class="notice">{t('dossier.new_hint')}</p>
        <a class="button" href={href('/')}>
          {t('nav.villages')}
        </a>
      </Screen>
    );
  }
  return <NewForHousehold householdId={householdId} memberId={memberId} procedure={procedure} version={version} />;
}

function NewForHousehold(props: { householdId: string; memberId?: string | undefined; procedure?: string | undefined; version?: number | undefined }): JSX.Element {
  const live = useLive(async () => {
    const household = await getHousehold(props.householdId);
    const members = await membersOf(props.householdId);
    const proc = props.procedure && props.version ? await listProcedures().then((all) => all.find((p) => p.code === props.procedure && p.version === props.version)) : undefined;
    return { household, members, def: procedureOf(proc?.definition) };
  }, [props.householdId, props.procedure, props.version]);
  return (
    <LiveView live={live}>
      {({ household, members, def }) => {
        if (!household) {
          return (
            <Screen title={t('dossier.new')} back="/dossiers">
              <p class="muted">{t('dossier.household_missing')}</p>
            </Screen>
          );
        }
        const back = `/households/${encodeURIComponent(household.id)}`;
        if (!def) {
          return (
            <Screen title={t('dossier.new_for', { name: household.head_name })} back={back}>
              <h2>{t('dossier.pick_procedure')}</h2>
              <ProcedurePicker householdId={household.id} memberId={props.memberId} />
            </Screen>
          );
        }
        return (
          <Screen title={localized(def.name)} back={newDossierPath(household.id, { member: props.memberId })}>
            <p class="muted">{t('dossier.new_for', { name: household.head_name })}</p>
            <ApplicantPicker
              members={members}
              minAge={def.applicant_min_age ?? 16}
              initial={props.memberId}
              onStart={async (applicantId) => {
                const draft = startDraft({
                  householdId: household.id,
                  applicantId,
                  procedureCode: def.code,
                  procedureVersion: def.version,
                });
                navigate(`/dossiers/${encodeURIComponent(draft.dossier_id)}/edit`);
              }}
            />
          </Screen>
        );
      }}
    </LiveView>
  );
}

/** Members offered as the applicant: relationship and age shown, children under `minAge` left out. */
export function applicantChoices<M extends { id: string; full_name: string; relationship?: string; date_of_birth?: string | undefined }>(
  members: readonly M[],
  minAge: number,
  today: string,
  keep?: string,
): { shown: (M & { age: number | undefined })[]; hidden: number } {
  const withAge = members.map((m) => ({ ...m, age: ageOn(m.date_of_birth, today) }));
  const shown = withAge.filter((m) => m.id === keep || m.age === undefined || m.age >= minAge);
  return { shown, hidden: withAge.length - shown.length };
}

function ApplicantPicker(props: {
  members: { id: string; full_name: string; relationship: string; date_of_birth?: string | undefined }[];
  minAge: number;
  initial: string | undefined;
  onStart: (applicantId: string) => Promise<void>;
}): JSX.Element {
  const { shown, hidden } = applicantChoices(props.members, props.minAge, localToday(), props.initial);
  const [chosen, setChosen] = useState<string | undefined>(
    shown.some((m) => m.id === props.initial) ? props.initial : shown.length === 1 ? shown[0]!.id : undefined,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (shown.length === 0) return <p class="notice">{t('dossier.no_members')}</p>;
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) return;
        setBusy(true);
        props.onStart(chosen).catch((err: unknown) => {
          setBusy(false);
          setError(String(err));
        });
      }}
    >
      <fieldset class="stack">
        <legend>{t('dossier.pick_applicant')}</legend>
        <p class="help">{t('dossier.applicant_hint')}</p>
        <ul class="choice-list">
          {shown.map((m) => (
            <li key={m.id}>
              <label class="choice">
                <input type="radio" name="applicant" value={m.id} checked={chosen === m.id} onChange={() => setChosen(m.id)} />
                <span>
                  {m.full_name}
                  <span class="muted">
                    {' · '}
                    {relationshipLabel(m.relationship)}
                    {m.age !== undefined ? ` · ${t('wizard.age', { age: m.age })}` : ''}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
        {hidden > 0 ? <p class="muted">{t('wizard.minors_hidden', { count: hidden, age: props.minAge })}</p> : null}
      </fieldset>
      {error ? (
        <p class="error" role="alert">
          {t('common.error', { message: error })}
        </p>
      ) : null}
      <button class="button" type="submit" disabled={!chosen || busy}>
        {t('dossier.start')}
      </button>
    </form>
  );
}
