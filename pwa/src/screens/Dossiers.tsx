import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getLang, localized, t } from '../i18n';
import { href } from '../router';
import { db } from '../store/db';
import { formatAge } from '../ui/age';
import { LiveView, Screen } from '../ui/common';
import { useLive } from '../ui/hooks';
import { discardDraft, DiscardRefused } from '../features/dossier/drafts';
import { procedureOf } from '../features/dossier/model';
import { groupOverviews, isDiscardable, listOverviews, needsSupplement, serverStatusLabel, serverStatusVisible, type DossierOverview } from '../features/dossier/status';
import { formatWhen, SyncBadge } from '../features/dossier/ui';

interface Item {
  o: DossierOverview;
  name: string;
  applicant: string | undefined;
}

/** Dossiers on the device, newest first, in sections: drafts, waiting to send, needing a look, sent. */
async function loadList() {
  const list = await listOverviews();
  const d = db();
  const procs = new Map((await d.procedures.toArray()).map((p) => [`${p.code}@${p.version}`, procedureOf(p.definition)]));
  const applicantOf = (o: DossierOverview): string | undefined => o.draft?.applicant_member_id ?? o.row.server?.applicant_member_id ?? o.row.applicant_member_id;
  const memberIds = [...new Set(list.map(applicantOf).filter((x): x is string => !!x))];
  const members = new Map((await d.members.bulkGet(memberIds)).filter((m) => !!m).map((m) => [m!.id, m!.full_name]));
  const item = (o: DossierOverview): Item => {
    const def = procs.get(`${o.row.procedure_code}@${o.row.procedure_version}`);
    const applicantId = applicantOf(o);
    return { o, name: def ? localized(def.name) : o.row.procedure_code, applicant: applicantId ? members.get(applicantId) : undefined };
  };
  const g = groupOverviews(list);
  return {
    drafts: g.drafts.map(item),
    waiting: g.waiting.map(item),
    oldestWaiting: g.oldestWaiting,
    attention: g.attention.map(item),
    sent: g.sent.map(item),
  };
}

function DossierLink(props: { item: Item }): JSX.Element {
  const { o, name, applicant } = props.item;
  return (
    <a class="list-item" href={href(`/dossiers/${encodeURIComponent(o.row.id)}`)}>
      <span class="list-title">
        {name}
        {applicant ? ` — ${applicant}` : ''}
      </span>
      <span class="list-sub">
        <SyncBadge state={o.sync} code={o.row.receipt?.code} />
        {serverStatusVisible(o) ? ` ${serverStatusLabel(o.row.status, getLang())}` : ''}
        {serverStatusVisible(o) && o.row.server?.official_code ? ` · ${o.row.server.official_code}` : ''}
        {' · '}
        {o.sync === 'signed' && o.waitingSince !== undefined
          ? t('dossier.waiting_for', { age: formatAge(o.waitingSince) })
          : t('dossier.updated', { date: formatWhen(o.row.updated_at) })}
      </span>
      {needsSupplement(o) ? <span class="error">{t('dossier.supplement_title')}</span> : null}
    </a>
  );
}

/** One section of the list; nothing at all when it has no dossiers. */
function DossierGroup(props: {
  id: string;
  title: string;
  hint?: string | undefined;
  items: Item[];
  itemClass?: string;
  extra?: (o: DossierOverview) => JSX.Element | null;
}): JSX.Element | null {
  if (props.items.length === 0) return null;
  return (
    <section aria-labelledby={props.id} class="dossier-group">
      <h2 id={props.id}>{props.title}</h2>
      {props.hint !== undefined ? <p class="muted">{props.hint}</p> : null}
      <ul class="list">
        {props.items.map((item) => (
          <li key={item.o.row.id} class={props.itemClass} data-dossier={props.itemClass ? item.o.row.id : undefined}>
            <DossierLink item={item} />
            {props.extra?.(item.o)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "Bỏ bản nháp" with an inline confirmation (no browser dialog: it must read well at 360 px). */
export function DiscardDraft(props: { dossierId: string; onDone?: () => void }): JSX.Element {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (!asking) {
    return (
      <button class="button button--ghost" type="button" onClick={() => setAsking(true)}>
        {t('dossier.discard')}
      </button>
    );
  }
  const confirm = (): void => {
    setBusy(true);
    discardDraft(props.dossierId).then(
      () => props.onDone?.(),
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof DiscardRefused ? (getLang() === 'en' ? e.message_en : e.message_vi) : String(e));
      },
    );
  };
  return (
    <div class="confirm" role="group" aria-label={t('dossier.discard')}>
      <p style="margin:0">{t('dossier.discard_confirm')}</p>
      {error ? (
        <p class="error" role="alert" style="margin:0">
          {error}
        </p>
      ) : null}
      <div class="actions">
        <button class="button button--danger" type="button" disabled={busy} onClick={confirm}>
          {t('dossier.discard_yes')}
        </button>
        <button class="button button--secondary" type="button" disabled={busy} onClick={() => setAsking(false)}>
          {t('dossier.discard_no')}
        </button>
      </div>
    </div>
  );
}

export function Dossiers(): JSX.Element {
  const live = useLive(loadList, []);
  return (
    <Screen title={t('dossiers.title')}>
      <a class="button" href={href('/dossiers/new')}>
        + {t('dossier.new')}
      </a>
      <LiveView live={live}>
        {(v) =>
          v.drafts.length + v.waiting.length + v.attention.length + v.sent.length === 0 ? (
            <p class="muted">{t('dossiers.empty')}</p>
          ) : (
            <>
              <DossierGroup id="dossiers-drafts" title={t('dossiers.drafts_title', { count: v.drafts.length })} hint={t('dossiers.drafts_hint')} items={v.drafts} itemClass="draft-item" extra={(o) => (isDiscardable(o.draft, o.row) ? <DiscardDraft dossierId={o.row.id} /> : null)} />
              <DossierGroup id="dossiers-waiting" title={t('dossiers.waiting_title', { count: v.waiting.length })} hint={v.oldestWaiting !== undefined ? t('dossiers.waiting_oldest', { age: formatAge(v.oldestWaiting) }) : undefined} items={v.waiting} />
              <DossierGroup id="dossiers-attention" title={t('dossiers.attention_title')} items={v.attention} />
              <DossierGroup id="dossiers-sent" title={t('dossiers.sent_title', { count: v.sent.length })} items={v.sent} />
            </>
          )
        }
      </LiveView>
    </Screen>
  );
}
