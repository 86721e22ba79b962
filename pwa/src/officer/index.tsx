/**
 * Officer console — PLACEHOLDER. Loaded only through a dynamic import() for officer/admin users,
 * so it is its own chunk (assets/officer-*.js): never part of the volunteer entry and not precached.
 * Keep imports here one-way: the volunteer code must never import from src/officer/.
 */
import type { JSX } from 'preact';
import { t } from '../i18n';
import type { SessionUser } from '../store/types';
import { Screen } from '../ui/common';

export default function OfficerConsole(props: { user: SessionUser }): JSX.Element {
  return (
    <Screen title={t('officer.title')} back="/">
      <p class="notice">{t('officer.placeholder')}</p>
      <p class="muted">
        {props.user.full_name} · {props.user.role} · {props.user.commune_id}
      </p>
    </Screen>
  );
}
