import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { HttpError, OfflineError } from '../api/http';
import { firstLogin, type LoginOutcome } from '../device/account';
import { DeviceError } from '../device/errors';
import { getLang, t } from '../i18n';
import { Screen } from '../ui/common';

/**
 * First login (online): credentials → token, then for volunteers the device key is generated
 * (non-extractable) and enrolled, and persistent storage is requested (src/device/account.ts).
 */
export function Login(props: { onLoggedIn: (outcome: LoginOutcome) => Promise<void> | void; notice?: string | undefined }): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onLoggedIn(await firstLogin(username, password));
    } catch (err) {
      if (err instanceof OfflineError) setError(t('login.network_error'));
      else if (err instanceof DeviceError) setError(getLang() === 'en' ? err.message_en : err.message_vi);
      else if (err instanceof HttpError) {
        const p = err.problem;
        setError((getLang() === 'en' ? p.message_en : undefined) ?? p.message_vi ?? t('login.failed'));
      } else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title={t('login.title')}>
      {props.notice ? <p class="warning">{props.notice}</p> : null}
      <form class="stack" onSubmit={submit} noValidate>
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button class="button" type="submit" disabled={busy || !username || !password}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <p class="muted">{t('login.first_time_online')}</p>
      </form>
    </Screen>
  );
}
