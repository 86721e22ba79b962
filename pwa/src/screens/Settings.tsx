import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { logout } from '../device/account';
import { DeviceError } from '../device/errors';
import { getLang, LANGS, setLang, t, type Lang } from '../i18n';
import { href } from '../router';
import { pendingSummary } from '../store/outbox';
import { ensureDeviceId } from '../store/repo';
import type { SessionUser } from '../store/types';
import { Screen } from '../ui/common';
import { useLive } from '../ui/hooks';
import { pendingText } from './SyncStatus';
import { countDrafts } from '../features/dossier/status';
import { PushSettings } from './PushSettings';

type Persistence = 'persisted' | 'not_persisted' | 'unsupported' | 'loading';

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  return `${Math.round(bytes / (1024 * 1024 * 1024))} GB`;
}

export function Settings(props: { user: SessionUser; onLogout: () => void }): JSX.Element {
  const [persistence, setPersistence] = useState<Persistence>('loading');
  const [denied, setDenied] = useState(false);
  const [usage, setUsage] = useState<string | undefined>();
  const [deviceId, setDeviceId] = useState<string>('');
  const pending = useLive(() => pendingSummary(), []);
  const drafts = useLive(() => countDrafts(), []);
  const [confirmDrafts, setConfirmDrafts] = useState(false);
  const [logoutError, setLogoutError] = useState<string | undefined>();
  const [loggingOut, setLoggingOut] = useState(false);
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;

  useEffect(() => {
    void ensureDeviceId().then(setDeviceId);
    if (!storage?.persisted) {
      setPersistence('unsupported');
      return;
    }
    void storage.persisted().then((p) => setPersistence(p ? 'persisted' : 'not_persisted'));
    void storage.estimate?.().then((e) => {
      if (e.usage !== undefined && e.quota !== undefined) {
        setUsage(t('settings.storage_usage', { used: formatBytes(e.usage), quota: formatBytes(e.quota) }));
      }
    });
  }, []);

  const requestPersist = async (): Promise<void> => {
    const granted = (await storage?.persist?.()) ?? false;
    setPersistence(granted ? 'persisted' : 'not_persisted');
    setDenied(!granted);
  };

  const draftCount = drafts.status === 'ready' ? drafts.value : 0;
  const doLogout = async (confirmed = false): Promise<void> => {
    setLogoutError(undefined);
    // Unsigned drafts never block logout, but logout deletes them: ask first.
    if (draftCount > 0 && !confirmed) {
      setConfirmDrafts(true);
      return;
    }
    setConfirmDrafts(false);
    setLoggingOut(true);
    try {
      await logout();
      props.onLogout();
    } catch (err) {
      if (err instanceof DeviceError) setLogoutError(getLang() === 'en' ? err.message_en : err.message_vi);
      else setLogoutError(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setLoggingOut(false);
    }
  };

  return (
    <Screen title={t('settings.title')}>
      <fieldset class="stack">
        <legend>{t('settings.language')}</legend>
        {LANGS.map((lang: Lang) => (
          <label class="choice" key={lang}>
            <input type="radio" name="lang" value={lang} checked={getLang() === lang} onChange={() => setLang(lang)} />
            {t(`lang.${lang}`)}
          </label>
        ))}
      </fieldset>

      <h2>{t('settings.storage')}</h2>
      {persistence === 'loading' ? <p class="muted">{t('common.loading')}</p> : null}
      {persistence === 'persisted' ? <p class="ok">{t('settings.storage_persisted')}</p> : null}
      {persistence === 'unsupported' ? <p class="muted">{t('settings.storage_unsupported')}</p> : null}
      {persistence === 'not_persisted' ? (
        <>
          <p class="warning">{t('settings.storage_not_persisted')}</p>
          <button class="button button--secondary" type="button" onClick={() => void requestPersist()}>
            {t('settings.storage_request')}
          </button>
          {denied ? <p class="muted">{t('settings.storage_denied')}</p> : null}
        </>
      ) : null}
      {usage ? <p class="muted">{usage}</p> : null}

      <PushSettings user={props.user} />

      <h2>{t('syncui.title')}</h2>
      {pending.status === 'ready' ? <p>{pendingText(pending.value) ?? t('syncui.all_synced')}</p> : null}
      <p>
        <a class="button button--secondary" href={href('/sync')}>
          {t('syncui.open')}
        </a>
      </p>

      <h2>{t('settings.account')}</h2>
      <p>{t('settings.signed_in_as', { name: props.user.full_name, username: props.user.username })}</p>
      <p class="muted mono">{t('settings.device', { id: deviceId })}</p>
      <p class="muted">{t('settings.version', { version: __APP_VERSION__ })}</p>
      <p class="muted">{t('settings.logout_note')}</p>
      {logoutError ? (
        <p class="error" role="alert">
          {logoutError}
        </p>
      ) : null}
      {confirmDrafts ? (
        <div class="confirm" role="group" aria-label={t('settings.logout')}>
          <p style="margin:0">{t('settings.logout_drafts', { count: draftCount })}</p>
          <div class="actions">
            <button class="button button--danger" type="button" disabled={loggingOut} onClick={() => void doLogout(true)}>
              {t('settings.logout_drafts_yes')}
            </button>
            <button class="button button--secondary" type="button" disabled={loggingOut} onClick={() => setConfirmDrafts(false)}>
              {t('dossier.discard_no')}
            </button>
          </div>
        </div>
      ) : (
        <button class="button button--secondary" type="button" disabled={loggingOut} onClick={() => void doLogout()}>
          {t('settings.logout')}
        </button>
      )}
    </Screen>
  );
}
