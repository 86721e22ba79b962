import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { href } from '../router';
import { countHouseholds, getVillage, searchHouseholds } from '../store/repo';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';

export function Households(props: { villageId: string }): JSX.Element {
  const { villageId } = props;
  const [query, setQuery] = useState('');
  const village = useLive(() => getVillage(villageId), [villageId]);
  const live = useLive(
    async () => ({ rows: await searchHouseholds(villageId, query), any: (await countHouseholds(villageId)) > 0 }),
    [villageId, query],
  );
  const name = village.status === 'ready' && village.value ? village.value.name : t('villages.unsynced', { id: villageId });

  return (
    <Screen title={name} back="/">
      <div class="field">
        <label for="household-search">{t('households.search_label')}</label>
        <input
          id="household-search"
          type="search"
          value={query}
          aria-describedby="household-search-hint"
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <p class="help" id="household-search-hint">
          {t('households.search_hint')}
        </p>
      </div>
      <LiveView live={live}>
        {({ rows, any }) =>
          !any ? (
            <p class="muted">{t('households.empty_village')}</p>
          ) : rows.length === 0 ? (
            <p class="muted" aria-live="polite">
              {t('households.no_results')}
            </p>
          ) : (
            <>
              <p class="muted" aria-live="polite">
                {t('households.result_count', { count: rows.length })}
              </p>
              <ul class="list">
                {rows.map((h) => (
                  <li key={h.id}>
                    <a class="list-item" href={href(`/households/${encodeURIComponent(h.id)}`)}>
                      <span class="list-title">{t('households.head', { name: h.head_name })}</span>
                      <span class="list-sub">{h.address}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </LiveView>
    </Screen>
  );
}
