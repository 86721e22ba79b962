import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, login, NetworkError } from '../api/client';
import { getLang, t } from '../i18n';
import type { Session } from '../store/types';
import { Screen } from '../ui/common';

export function Login(props: { onLoggedIn: (session: Session) => Promise<void> }): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onLoggedIn(await login(username, password));
    } catch (err) {
      if (err instanceof NetworkError) setError(t('login.network_error'));
      else if (err instanceof ApiError) {
        const p = err.problem;
        setError((getLang() === 'en' ? p.message_en : undefined) ?? p.message_vi ?? t('login.failed'));
      } else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title={t('login.title')}>
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
