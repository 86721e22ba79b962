import type { JSX } from 'preact';
import { getLang, localized, t } from '../i18n';
import { href } from '../router';
import { db } from '../store/db';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';
import { procedureOf } from '../features/dossier/model';
import { listOverviews, needsSupplement, serverStatusLabel } from '../features/dossier/status';
import { formatWhen, SyncBadge } from '../features/dossier/ui';

/** Dossiers on the device, newest first, each with its sync state and its status at the commune. */
async function loadList() {
  const list = await listOverviews();
  const d = db();
  const procs = new Map((await d.procedures.toArray()).map((p) => [`${p.code}@${p.version}`, procedureOf(p.definition)]));
  const memberIds = [...new Set(list.map((o) => o.draft?.applicant_member_id ?? o.row.server?.applicant_member_id ?? o.row.applicant_member_id).filter((x): x is string => !!x))];
  const members = new Map((await d.members.bulkGet(memberIds)).filter((m) => !!m).map((m) => [m!.id, m!.full_name]));
  return list.map((o) => {
    const def = procs.get(`${o.row.procedure_code}@${o.row.procedure_version}`);
    const applicantId = o.draft?.applicant_member_id ?? o.row.server?.applicant_member_id ?? o.row.applicant_member_id;
    return { o, name: def ? localized(def.name) : o.row.procedure_code, applicant: applicantId ? members.get(applicantId) : undefined };
  });
}

export function Dossiers(): JSX.Element {
  const live = useLive(loadList, []);
  return (
    <Screen title={t('dossiers.title')}>
      <a class="button" href={href('/dossiers/new')}>
        + {t('dossier.new')}
      </a>
      <LiveView live={live}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="muted">{t('dossiers.empty')}</p>
          ) : (
            <ul class="list" style="margin-top:12px">
              {rows.map(({ o, name, applicant }) => (
                <li key={o.row.id}>
                  <a class="list-item" href={href(`/dossiers/${encodeURIComponent(o.row.id)}`)}>
                    <span class="list-title">
                      {name}
                      {applicant ? ` — ${applicant}` : ''}
                    </span>
                    <span class="list-sub">
                      <SyncBadge state={o.sync} /> {serverStatusLabel(o.row.status, getLang())}
                      {o.row.server?.official_code ? ` · ${o.row.server.official_code}` : ''} · {t('dossier.updated', { date: formatWhen(o.row.updated_at) })}
                    </span>
                    {needsSupplement(o) ? <span class="error">{t('dossier.supplement_title')}</span> : null}
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
