/**
 * Settings section: turn Web Push notices on or off on this browser (src/net/push-subscription.ts)
 * and show the notification permission. Volunteers get supplement requests and results; officers
 * new dossiers and dossiers due soon (backend/push/notify.py decides who receives what).
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getLang, t, type MessageKey } from '../i18n';
import { disablePush, enablePush, getPushState, PushSetupError, startPushClient, type PushState } from '../net/push-subscription';
import { isOfficer } from '../session';
import type { SessionUser } from '../store/types';

// Started when the app loads (this module is in the entry's static graph via Settings.tsx), not when
// the settings screen opens: a push must trigger a sync and a notification click must navigate on
// any screen. Idempotent. (It could equally be called next to startSync() in src/device/gate.ts.)
startPushClient();

const STATE_KEY: Record<PushState, MessageKey> = {
  on: 'push.state_on',
  off: 'push.state_off',
  denied: 'push.state_denied',
  unsupported: 'push.state_unsupported',
};

function errorText(error: unknown): string {
  if (!(error instanceof PushSetupError)) return t('common.error', { message: error instanceof Error ? error.message : String(error) });
  if (error.code === 'server') {
    const message = (getLang() === 'en' ? error.message_en : error.message_vi) ?? error.message;
    return t('push.error_server', { message });
  }
  return t(`push.error_${error.code}` as MessageKey);
}

export function PushSettings(props: { user: SessionUser }): JSX.Element {
  const [state, setState] = useState<PushState | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const refresh = (): Promise<void> => getPushState(props.user.id).then(setState, () => setState('off'));
  useEffect(() => {
    void refresh();
  }, [props.user.id]);

  const toggle = async (on: boolean): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await (on ? enablePush() : disablePush());
    } catch (err) {
      setError(errorText(err));
    } finally {
      await refresh();
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="push-title">
      <h2 id="push-title">{t('push.title')}</h2>
      <label class="choice">
        <input
          id="push-toggle"
          type="checkbox"
          role="switch"
          checked={state === 'on'}
          disabled={busy || state === undefined || state === 'unsupported'}
          onChange={(e) => void toggle((e.currentTarget as HTMLInputElement).checked)}
        />
        {t(isOfficer(props.user) ? 'push.toggle_officer' : 'push.toggle_volunteer')}
      </label>
      {busy ? (
        <p class="muted">{t('push.working')}</p>
      ) : state ? (
        <p class={state === 'on' ? 'ok' : state === 'denied' ? 'warning' : 'muted'} id="push-state">
          {t(STATE_KEY[state])}
        </p>
      ) : null}
      {error ? (
        <p class="error" role="alert" id="push-error">
          {error}
        </p>
      ) : null}
      <p class="muted">{t('push.privacy')}</p>
    </section>
  );
}
