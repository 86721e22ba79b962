import type { JSX } from 'preact';
import { t } from '../i18n';
import { listDossiers } from '../store/repo';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';

/** PLACEHOLDER: lists the local dossiers table; drafting/signing/submitting come with the sync spec. */
export function Dossiers(): JSX.Element {
  const live = useLive(() => listDossiers(), []);
  return (
    <Screen title={t('dossiers.title')}>
      <p class="notice">{t('dossiers.placeholder')}</p>
      <LiveView live={live}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="muted">{t('dossiers.empty')}</p>
          ) : (
            <ul class="list">
              {rows.map((d) => (
                <li key={d.id} class="list-item">
                  <span class="list-title">
                    {t('dossiers.item', { procedure: `${d.procedure_code} v${d.procedure_version}`, date: d.updated_at.slice(0, 10) })}
                  </span>
                  <span class="list-sub">
                    {d.status} · {t(`sync.state.${d.sync_state}`)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </LiveView>
    </Screen>
  );
}
