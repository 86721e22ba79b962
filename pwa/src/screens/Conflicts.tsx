import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getLang, t, type MessageKey } from '../i18n';
import { openConflicts, resolveConflict } from '../net/conflicts';
import { HttpError, OfflineError } from '../api/http';
import { requestSync } from '../net/sync';
import { db } from '../store/db';
import type { ConflictRow } from '../store/types';
import { LiveView, Screen } from '../ui/common';
import { useLive, useOnline } from '../ui/hooks';

const FIELD_LABELS: Record<string, MessageKey> = {
  full_name: 'member.full_name',
  date_of_birth: 'member.date_of_birth',
  sex: 'member.sex',
  cccd: 'member.cccd',
  phone: 'member.phone',
  relationship: 'member.relationship',
  ethnicity: 'member.ethnicity',
  notes: 'member.notes',
  address: 'household.address',
};

function fieldLabel(field: string | undefined): string {
  if (!field) return '';
  const key = FIELD_LABELS[field];
  return key ? t(key) : field.replace(/^form_data\./, '');
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return t('conflicts.empty_value');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

interface Item {
  conflict: ConflictRow;
  subject: string;
}

async function items(): Promise<Item[]> {
  const d = db();
  const rows = await openConflicts(d);
  return Promise.all(
    rows.map(async (c) => {
      let subject = c.entity_id.slice(0, 8);
      if (c.entity === 'member') subject = (await d.members.get(c.entity_id))?.full_name ?? subject;
      else if (c.entity === 'household') subject = (await d.households.get(c.entity_id))?.head_name ?? subject;
      else if (c.entity === 'dossier') subject = (await d.dossiers.get(c.entity_id))?.procedure_code ?? subject;
      const kind = c.entity === 'member' || c.entity === 'household' || c.entity === 'dossier' ? c.entity : 'other';
      return { conflict: c, subject: `${t(`syncui.entity.${kind}`)}: ${subject}` };
    }),
  );
}

function ConflictCard(props: { item: Item; online: boolean }): JSX.Element {
  const { conflict } = props.item;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const choose = async (value: unknown): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await resolveConflict(conflict.id, value);
      void requestSync('conflict');
    } catch (err) {
      if (err instanceof OfflineError) setError(t('conflicts.offline'));
      else if (err instanceof HttpError) setError(getLang() === 'en' ? (err.problem.message_en ?? err.message_vi) : err.message_vi);
      else setError(t('common.error', { message: String(err) }));
    } finally {
      setBusy(false);
    }
  };
  const disabled = busy || !props.online;
  return (
    <li class="list-item stack">
      <span class="list-title">{props.item.subject}</span>
      <span>{t('conflicts.field', { field: fieldLabel(conflict.field) })}</span>
      <span>
        {t('conflicts.theirs')}: <strong>{show(conflict.remote)}</strong>
      </span>
      <span>
        {t('conflicts.mine')}: <strong>{show(conflict.local)}</strong>
      </span>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="actions">
        <button class="button button--secondary" type="button" disabled={disabled} onClick={() => void choose(conflict.remote)}>
          {t('conflicts.keep_theirs')}
        </button>
        <button class="button" type="button" disabled={disabled} onClick={() => void choose(conflict.local)}>
          {t('conflicts.use_mine')}
        </button>
      </div>
    </li>
  );
}

/** Conflict inbox: same field changed on the device and at the commune; a person decides (online). */
export function Conflicts(): JSX.Element {
  const online = useOnline();
  const live = useLive(() => items(), []);
  return (
    <Screen title={t('conflicts.title')} back="/sync">
      <p class="muted">{t('conflicts.hint')}</p>
      {!online ? <p class="warning">{t('conflicts.offline')}</p> : null}
      <button class="button button--ghost" type="button" disabled={!online} onClick={() => void requestSync('manual')}>
        {t('conflicts.refresh')}
      </button>
      <LiveView live={live}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="muted">{t('conflicts.none')}</p>
          ) : (
            <ul class="list">
              {rows.map((item) => (
                <ConflictCard key={item.conflict.id} item={item} online={online} />
              ))}
            </ul>
          )
        }
      </LiveView>
    </Screen>
  );
}
