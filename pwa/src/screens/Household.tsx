import type { JSX } from 'preact';
import { formatDate } from '../forms/dates';
import { t, type MessageKey } from '../i18n';
import { href } from '../router';
import { getHousehold, membersOf } from '../store/repo';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';

export function relationshipLabel(code: string): string {
  const key = `rel.${code}` as MessageKey;
  const label = t(key);
  return label === key ? code : label;
}

/**
 * Entry point of the dossier wizard from a household or one of its members ("Lập hồ sơ mới"):
 * the procedure picker with the household (and applicant) preselected (src/screens/Procedures.tsx).
 */
export function newDossierHref(householdId: string, memberId?: string): string {
  const query = new URLSearchParams({ household: householdId });
  if (memberId) query.set('member', memberId);
  return href(`/procedures?${query.toString()}`);
}

export function Household(props: { householdId: string }): JSX.Element {
  const { householdId } = props;
  const live = useLive(
    async () => ({ household: await getHousehold(householdId), members: await membersOf(householdId) }),
    [householdId],
  );
  return (
    <LiveView live={live}>
      {({ household, members }) =>
        !household ? (
          <Screen title={t('household.not_found')} back="/">
            <p class="muted">{t('household.not_found')}</p>
          </Screen>
        ) : (
          <Screen title={t('household.title', { name: household.head_name })} back={`/villages/${household.village_id}`}>
            <dl class="facts">
              <dt>{t('household.address')}</dt>
              <dd>{household.address}</dd>
            </dl>
            <h2>{t('household.members')}</h2>
            {members.length === 0 ? <p class="muted">{t('household.no_members')}</p> : null}
            <ul class="list">
              {members.map((m) => (
                <li key={m.id}>
                  <a
                    class="list-item"
                    href={href(`/households/${encodeURIComponent(householdId)}/members/${encodeURIComponent(m.id)}`)}
                    aria-label={t('household.edit_member', { name: m.full_name })}
                  >
                    <span class="list-title">{m.full_name}</span>
                    <span class="list-sub">
                      {relationshipLabel(m.relationship)}
                      {m.date_of_birth ? ` · ${formatDate(m.date_of_birth)}` : ''}
                      {m.pending ? <span class="badge badge--pending">{t('sync.pending')}</span> : null}
                      {m.status === 'pending_birth' ? <span class="badge badge--pending">{t('member.pending_birth')}</span> : null}
                    </span>
                  </a>
                  <a
                    class="button button--ghost"
                    href={newDossierHref(householdId, m.id)}
                    aria-label={`${t('dossier.new')}: ${m.full_name}`}
                  >
                    {t('dossier.new')}
                  </a>
                </li>
              ))}
            </ul>
            <a class="button" href={href(`/households/${encodeURIComponent(householdId)}/members/new`)}>
              + {t('household.add_member')}
            </a>
            <h2>{t('procedures.title')}</h2>
            <a class="button button--secondary" href={newDossierHref(householdId)}>
              {t('dossier.new')}
            </a>
          </Screen>
        )
      }
    </LiveView>
  );
}
