import type { JSX } from 'preact';
import { t } from '../i18n';
import { href } from '../router';
import { myVillages } from '../store/repo';
import type { SessionUser } from '../store/types';
import { isOfficer } from '../session';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';

export function Villages(props: { user: SessionUser }): JSX.Element {
  const ids = props.user.village_ids;
  const live = useLive(() => myVillages(ids), [ids.join(',')]);
  return (
    <Screen title={t('villages.title')}>
      {isOfficer(props.user) ? (
        <p>
          <a class="button button--secondary" href={href('/officer')}>
            {t('officer.open')}
          </a>
        </p>
      ) : null}
      <LiveView live={live}>
        {(villages) =>
          villages.length === 0 ? (
            <p class="muted">{t('villages.empty')}</p>
          ) : (
            <ul class="list">
              {villages.map((v) => (
                <li key={v.id}>
                  <a class="list-item" href={href(`/villages/${encodeURIComponent(v.id)}`)}>
                    <span class="list-title">{v.name ?? t('villages.unsynced', { id: v.id })}</span>
                    <span class="list-sub">{t('villages.household_count', { count: v.householdCount })}</span>
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </LiveView>
    </Screen>
  );
}
