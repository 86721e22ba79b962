import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { HttpError, OfflineError } from '../api/http';
import { reauthenticate, type Persistence } from '../device/account';
import { DeviceError } from '../device/errors';
import { setPin, unlockWithPin } from '../device/pin';
import { getLang, t } from '../i18n';
import type { SessionUser } from '../store/types';
import { Screen } from '../ui/common';

const errorText = (e: unknown): string => {
  const en = getLang() === 'en';
  if (e instanceof DeviceError) return en ? e.message_en : e.message_vi;
  if (e instanceof OfflineError) return t('login.network_error');
  if (e instanceof HttpError) return (en ? e.problem.message_en : undefined) ?? e.problem.message_vi ?? t('login.failed');
  return t('common.error', { message: e instanceof Error ? e.message : String(e) });
};

function PinInput(props: { id: string; label: string; value: string; onInput: (v: string) => void; autoFocus?: boolean }): JSX.Element {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="password"
        inputMode="numeric"
        pattern="[0-9]*"
        autoComplete="off"
        maxLength={8}
        autoFocus={props.autoFocus}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value.replace(/\D/g, ''))}
      />
    </div>
  );
}

/** Shown right after the first login: persistence outcome + choose a PIN. */
function SetPin(props: { persistence?: Persistence | undefined; onDone: () => void }): JSX.Element {
  const [pin, setPinValue] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (pin !== again) {
      setError(t('pin.mismatch'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await setPin(pin);
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title={t('pin.set_title')}>
      {props.persistence === 'persisted' ? <p class="ok">{t('settings.storage_persisted')}</p> : null}
      {props.persistence === 'not_persisted' ? <p class="warning">{t('pin.persist_denied')}</p> : null}
      {props.persistence === 'unsupported' ? <p class="muted">{t('settings.storage_unsupported')}</p> : null}
      <form class="stack" onSubmit={submit} noValidate>
        <p>{t('pin.set_hint')}</p>
        <PinInput id="pin-new" label={t('pin.new')} value={pin} onInput={setPinValue} autoFocus />
        <PinInput id="pin-again" label={t('pin.again')} value={again} onInput={setAgain} />
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button class="button" type="submit" disabled={busy || pin.length < 4 || again.length < 4}>
          {busy ? t('common.saving') : t('pin.save')}
        </button>
      </form>
    </Screen>
  );
}

/** Unlock with the PIN (offline). "Forgot PIN" re-authenticates online, then sets a new PIN. */
function EnterPin(props: { user: SessionUser; onUnlocked: () => void; onForgot: () => void }): JSX.Element {
  const [pin, setPinValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [lockedUntil, setLockedUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [forgot, setForgot] = useState(false);
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (lockedUntil <= Date.now()) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [lockedUntil]);

  const waitSeconds = Math.max(0, Math.ceil((lockedUntil - now) / 1000));

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await unlockWithPin(pin);
      if (result.ok) {
        props.onUnlocked();
        return;
      }
      setPinValue('');
      if (result.reason === 'locked' || (result.reason === 'wrong' && result.lockedUntil > 0)) {
        setLockedUntil(result.lockedUntil);
        setNow(Date.now());
        setError(t('pin.too_many'));
      } else if (result.reason === 'wrong') {
        setError(t('pin.wrong', { count: result.remainingFreeTries }));
      } else setError(t('pin.none'));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const relogin = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await reauthenticate(password);
      props.onForgot();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title={t('pin.unlock_title')}>
      <p>{t('pin.unlock_hint', { name: props.user.full_name })}</p>
      {!forgot ? (
        <form class="stack" onSubmit={submit} noValidate>
          <PinInput id="pin-unlock" label={t('pin.label')} value={pin} onInput={setPinValue} autoFocus />
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          {waitSeconds > 0 ? <p class="warning">{t('pin.wait', { seconds: waitSeconds })}</p> : null}
          <button class="button" type="submit" disabled={busy || pin.length < 4 || waitSeconds > 0}>
            {t('pin.unlock')}
          </button>
          <button class="button button--ghost" type="button" onClick={() => setForgot(true)}>
            {t('pin.forgot')}
          </button>
        </form>
      ) : (
        <form class="stack" onSubmit={relogin} noValidate>
          <p class="muted">{t('pin.forgot_hint', { username: props.user.username })}</p>
          <div class="field">
            <label for="pin-password">{t('login.password')}</label>
            <input
              id="pin-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          <button class="button" type="submit" disabled={busy || !password}>
            {busy ? t('login.submitting') : t('pin.forgot_submit')}
          </button>
          <button class="button button--ghost" type="button" onClick={() => setForgot(false)}>
            {t('common.back')}
          </button>
        </form>
      )}
    </Screen>
  );
}

/**
 * The PIN gate. mode 'set': first PIN after login (or after "forgot PIN"); 'unlock': every later
 * start, offline-capable.
 */
export function Unlock(props: {
  mode: 'set' | 'unlock';
  user: SessionUser;
  persistence?: Persistence | undefined;
  onUnlocked: () => void;
}): JSX.Element {
  const [mode, setMode] = useState(props.mode);
  useEffect(() => setMode(props.mode), [props.mode]);
  if (mode === 'set') return <SetPin persistence={props.persistence} onDone={props.onUnlocked} />;
  return <EnterPin user={props.user} onUnlocked={props.onUnlocked} onForgot={() => setMode('set')} />;
}
