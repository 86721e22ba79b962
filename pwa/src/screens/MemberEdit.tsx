import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { fieldElementId, FormRenderer } from '../forms/FormRenderer';
import { issuesByPath, localToday } from '../forms/messages';
import type { FormValues } from '../forms/schema';
import { DeviceError } from '../device/errors';
import { CccdScan } from '../features/scan/CccdScan';
import { getLang, t } from '../i18n';
import { navigate } from '../router';
import { getMember, NotOnDevice, saveMember } from '../store/repo';
import type { MemberRow } from '../store/types';
import { validateForm } from '../sync/forms';
import { checkMember } from '../sync/records';
import { Screen } from '../ui/common';
import { newDossierHref } from './Household';
import { memberFormFields, memberToValues, valuesToMember } from './memberForm';

function errorText(err: unknown): string {
  if (err instanceof DeviceError || err instanceof NotOnDevice) return getLang() === 'en' ? err.message_en : err.message_vi;
  return t('common.error', { message: err instanceof Error ? err.message : String(err) });
}

/**
 * Add (memberId undefined) or edit a member. Saving signs the change on the device and stores it
 * with the row in one transaction (repo.saveMember); the edit is based on the row as loaded here.
 */
export function MemberEdit(props: { householdId: string; memberId?: string }): JSX.Element {
  const { householdId, memberId } = props;
  const fields = useMemo(memberFormFields, []);
  const [values, setValues] = useState<FormValues | undefined>(memberId ? undefined : {});
  const [loaded, setLoaded] = useState<MemberRow | undefined>();
  const [missing, setMissing] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const back = `/households/${encodeURIComponent(householdId)}`;

  useEffect(() => {
    if (!memberId) return;
    void getMember(memberId).then((m) => {
      if (!m || m.household_id !== householdId) setMissing(true);
      else {
        setLoaded(m);
        setValues(memberToValues(m));
      }
    });
  }, [householdId, memberId]);

  const title = memberId ? t('member.title_edit') : t('member.title_new');
  if (missing) {
    return (
      <Screen title={title} back={back}>
        <p class="muted">{t('member.not_found')}</p>
      </Screen>
    );
  }
  if (!values) {
    return (
      <Screen title={title} back={back}>
        <p class="muted">{t('common.loading')}</p>
      </Screen>
    );
  }

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const formIssues = validateForm(fields, values, localToday());
    const errs = issuesByPath(formIssues);
    // The server's own rule (REC, twin of sync/records.py) last: what it would refuse is shown here.
    const coreIssues = formIssues.length > 0 ? [] : checkMember({ ...valuesToMember(values) }, localToday())[1];
    for (const it of coreIssues) errs[it.field] ??= getLang() === 'en' ? it.message_en : it.message_vi;
    setErrors(errs);
    const first = formIssues[0]?.path ?? coreIssues[0]?.field;
    if (first !== undefined) {
      document.getElementById(fieldElementId('m', first))?.focus();
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await saveMember(householdId, memberId, valuesToMember(values), undefined, loaded);
      navigate(back);
    } catch (err) {
      setFailure(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title={title} back={back}>
      <CccdScan values={values} onChange={(fn) => setValues((prev) => fn(prev ?? {}))} />
      <form class="stack" onSubmit={submit} noValidate>
        <FormRenderer fields={fields} values={values} onChange={(fn) => setValues((prev) => fn(prev ?? {}))} errors={errors} idPrefix="m" />
        {failure ? (
          <p class="error" role="alert">
            {failure}
          </p>
        ) : null}
        <p class="muted">{t('member.save_hint')}</p>
        <div class="actions">
          <button class="button" type="submit" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
          <a class="button button--secondary" href={`#${back}`}>
            {t('common.cancel')}
          </a>
        </div>
        {memberId ? (
          <a class="button button--ghost" href={newDossierHref(householdId, memberId)}>
            {t('dossier.new')}
          </a>
        ) : null}
      </form>
    </Screen>
  );
}
