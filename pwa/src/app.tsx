import type { ComponentChildren, ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onLangChange, t } from './i18n';
import { applyUpdate, dismiss, usePwaState } from './pwa';
import { href, match, navigate, queryParam, useHashPath } from './router';
import { LazyWizard } from './features/dossier/LazyWizard';
import { Login } from './screens/Login';
import { Villages } from './screens/Villages';
import { Conflicts, DossierDetail, Dossiers, Household, Households, MemberEdit, NewDossier, ProcedurePreview, Procedures, RatingScreen, Settings } from './lazy-routes';
import { SyncStatusScreen, useSyncLine } from './screens/SyncStatus';
import { Unlock } from './screens/Unlock';
import type { LoginOutcome, Persistence } from './device/account';
import { forgetWipedNote, resetOnWipe, wipedNote, type WipedNote } from './device/after-wipe';
import { useLockGate } from './device/gate';
import { isOfficer } from './session';
import { ensureDeviceId, getSession } from './store/repo';
import type { Session, SessionUser } from './store/types';
import { Screen } from './ui/common';
import { LazyFallback, useLazyModule } from './ui/lazy';
import { useOnline } from './ui/hooks';


type OfficerModule = { default: ComponentType<{ user: SessionUser }> };
const officerCache: { module?: OfficerModule } = {};

/** Loads the officer chunk on first use (online: it is not precached). Only for officer/admin sessions. */
function OfficerRoute(props: { user: SessionUser }): JSX.Element {
  const state = useLazyModule<OfficerModule>(() => import('./officer/index'), officerCache);
  if (state.status !== 'ready') return <LazyFallback state={state} offlineHint={t('lazy.officer_online')} />;
  const Console = state.module.default;
  return <Console user={props.user} />;
}

function Route(props: { path: string; user: SessionUser }): JSX.Element {
  const { user } = props;
  const path = props.path.split('?')[0]!;
  const household = queryParam(props.path, 'household');
  let m: Record<string, string> | undefined;
  if (path === '/' || path === '') return <Villages user={user} />;
  if (path === '/sync') return <SyncStatusScreen />;
  if (path === '/conflicts') return <Conflicts />;
  if ((m = match('/villages/:id', path))) return <Households villageId={m.id!} />;
  if ((m = match('/households/:id', path))) return <Household householdId={m.id!} />;
  if ((m = match('/households/:id/members/new', path))) return <MemberEdit householdId={m.id!} />;
  if ((m = match('/households/:id/members/:mid', path))) return <MemberEdit householdId={m.id!} memberId={m.mid!} />;
  if (path === '/dossiers') return <Dossiers />;
  if (path === '/dossiers/new') {
    const version = Number(queryParam(props.path, 'version'));
    return (
      <NewDossier
        householdId={household}
        memberId={queryParam(props.path, 'member')}
        procedure={queryParam(props.path, 'procedure')}
        version={Number.isInteger(version) && version > 0 ? version : undefined}
      />
    );
  }
  if ((m = match('/dossiers/:id/edit', path))) return <LazyWizard key={m.id} dossierId={m.id!} />;
  if ((m = match('/dossiers/:id/rate', path))) return <RatingScreen dossierId={m.id!} />;
  if ((m = match('/dossiers/:id', path))) return <DossierDetail dossierId={m.id!} justSigned={queryParam(props.path, 'signed') === '1'} />;
  if (path === '/procedures') return <Procedures householdId={household} memberId={queryParam(props.path, 'member')} />;
  if ((m = match('/procedures/:code/:version', path))) {
    return <ProcedurePreview code={m.code!} version={Number(m.version)} householdId={household} />;
  }
  if (path === '/officer') {
    return isOfficer(user) ? (
      <OfficerRoute user={user} />
    ) : (
      <Screen title={t('officer.title')} back="/">
        <p class="error">{t('officer.forbidden')}</p>
      </Screen>
    );
  }
  return (
    <Screen title={t('common.not_found')} back="/">
      <p class="muted">{t('common.not_found')}</p>
    </Screen>
  );
}

/**
 * One bar of fixed height under the top bar (styles.css .statusbar) for everything that used to be
 * a banner: the app's offline readiness, offline, sync state, conflicts, a new version, another
 * tab's database upgrade. Whatever it says, nothing below it moves (no layout shift), and it never
 * covers a button.
 */
function StatusBar(props: { volunteer: boolean; officer: boolean }): JSX.Element {
  const pwa = usePwaState();
  const online = useOnline();
  if (pwa.dbOutdated) {
    return (
      <StatusFrame tone="update" text={t('update.db_outdated')}>
        <button class="button statusbar-action" type="button" onClick={() => location.reload()}>
          {t('update.reload_page')}
        </button>
      </StatusFrame>
    );
  }
  if (pwa.needRefresh) {
    // Never applied by itself: the volunteer chooses when (a form may be open).
    return (
      <StatusFrame tone="update" text={t('update.available_short')}>
        <button class="button statusbar-action" type="button" onClick={applyUpdate}>
          {t('update.reload')}
        </button>
        <button class="button button--secondary statusbar-action" type="button" onClick={() => dismiss('needRefresh')}>
          {t('update.later')}
        </button>
      </StatusFrame>
    );
  }
  if (props.volunteer) return <VolunteerStatus online={online} offlineCapable={pwa.offlineCapable} />;
  // The console works online only (its chunk is not precached): say whether the link is there.
  if (props.officer) return <StatusFrame tone={online ? '' : 'offline'} text={online ? t('statusbar.online') : t('net.offline')} />;
  return <AppStatus online={online} offlineCapable={pwa.offlineCapable} />;
}

function StatusFrame(props: { tone: string; text: string; href?: string | undefined; alert?: boolean; children?: ComponentChildren }): JSX.Element {
  return (
    <div class={`statusbar${props.tone ? ` statusbar--${props.tone}` : ''}`} role={props.alert ? 'alert' : 'status'}>
      {props.href ? (
        <a class="statusbar-text" href={props.href}>
          {props.text}
        </a>
      ) : (
        <span class="statusbar-text">{props.text}</span>
      )}
      {props.children}
    </div>
  );
}

/** Before login: is the app usable offline on this device, and is there a network. */
function AppStatus(props: { online: boolean; offlineCapable: boolean }): JSX.Element {
  if (!props.online) return <StatusFrame tone="offline" text={t('net.offline')} />;
  return <StatusFrame tone="" text={props.offlineCapable ? t('update.offline_ready') : t('statusbar.preparing_offline')} />;
}

function VolunteerStatus(props: { online: boolean; offlineCapable: boolean }): JSX.Element {
  const sync = useSyncLine();
  let text = sync.text;
  if (!props.online) text = text ? `${t('statusbar.offline')} · ${text}` : t('net.offline');
  // Until the worker controls the page the volunteer must not walk away from the signal; what
  // waits to be sent and errors still take precedence.
  else if (!props.offlineCapable && (sync.kind === 'idle' || sync.kind === 'loading')) text = t('statusbar.preparing_offline');
  const tone = sync.kind === 'error' ? 'error' : props.online ? '' : 'offline';
  return (
    <StatusFrame tone={tone} text={text} href={href('/sync')} alert={sync.kind === 'error'}>
      {sync.conflicts > 0 ? (
        <a href={href('/conflicts')} class="statusbar-conflicts">
          {t('syncui.conflicts_open', { count: sync.conflicts })}
        </a>
      ) : null}
    </StatusFrame>
  );
}

function Nav(props: { path: string }): JSX.Element {
  const items: [string, string][] = [
    ['/', t('nav.villages')],
    ['/dossiers', t('nav.dossiers')],
    ['/procedures', t('nav.procedures')],
    ['/settings', t('nav.settings')],
  ];
  const section = '/' + (props.path.split('/')[1] ?? '');
  const active = (p: string): boolean =>
    p === '/' ? ['/', '/villages', '/households'].includes(section) : section === p;
  return (
    <nav class="nav" aria-label={t('nav.main')}>
      {items.map(([p, label]) => (
        <a key={p} href={href(p)} class="nav-item" aria-current={active(p) ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** Officers have no bottom navigation (a phone layout): the console and settings (logout) sit in the top bar. */
function OfficerLinks(props: { path: string }): JSX.Element {
  const section = '/' + (props.path.split('?')[0]!.split('/')[1] ?? '');
  const items: [string, string][] = [
    ['/officer', t('officer.title')],
    ['/settings', t('nav.settings')],
  ];
  return (
    <nav class="topbar-links" aria-label={t('nav.main')} style="margin-left:auto;display:flex;gap:16px">
      {items.map(([p, label]) => (
        <a key={p} href={href(p)} aria-current={section === p ? 'page' : undefined} style="color:inherit">
          {label}
        </a>
      ))}
    </nav>
  );
}

export function App(): JSX.Element {
  const [, setLangTick] = useState(0);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const path = useHashPath();

  useEffect(() => onLangChange(() => setLangTick((n) => n + 1)), []);
  const [wiped, setWiped] = useState<WipedNote | undefined>();
  useEffect(() => {
    void ensureDeviceId();
    getSession().then(
      (s) => setSession(s ?? null),
      () => setSession(null),
    );
    wipedNote().then(setWiped, () => undefined);
  }, []);
  // A lost-phone wipe: the page starts over at the login screen (src/device/after-wipe.ts).
  useEffect(() => resetOnWipe(), []);

  // Login, device enrolment, PIN and logout live in src/device (account.ts, gate.ts).
  const gate = useLockGate(session);
  const [persistence, setPersistence] = useState<Persistence | undefined>();
  const onLoggedIn = (outcome: LoginOutcome): void => {
    setPersistence(outcome.persistence);
    if (wiped) {
      setWiped(undefined);
      void forgetWipedNote();
    }
    setSession(outcome.session);
    navigate(isOfficer(outcome.session.user) ? '/officer' : '/');
  };
  const officer = !!session && isOfficer(session.user);
  // Officers and admins work in the console: the volunteer home is not theirs.
  useEffect(() => {
    if (officer && gate === 'ready' && (path === '/' || path === '')) navigate('/officer');
  }, [officer, gate, path]);
  const onLogout = (): void => setSession(null);

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        {t('app.skip_to_content')}
      </a>
      <header class="topbar">
        <span class="brand">{t('app.name')}</span>
        {officer && gate === 'ready' ? <OfficerLinks path={path} /> : null}
      </header>
      <StatusBar volunteer={!!session && gate === 'ready' && !officer} officer={officer && gate === 'ready'} />
      <main id="main" tabIndex={-1} class={officer ? 'main--wide' : undefined}>
        {session === undefined ? (
          <p class="muted">{t('common.loading')}</p>
        ) : session === null || gate === 'enrol' ? (
          <Login
            onLoggedIn={onLoggedIn}
            notice={wiped && session === null ? t('wipe.done', { at: new Date(wiped.at).toLocaleString('vi-VN') }) : gate === 'enrol' ? t('pin.reenrol') : undefined}
          />
        ) : gate === 'loading' ? (
          <p class="muted">{t('common.loading')}</p>
        ) : gate === 'set_pin' || gate === 'unlock' ? (
          <Unlock mode={gate === 'set_pin' ? 'set' : 'unlock'} user={session.user} persistence={persistence} onUnlocked={() => undefined} />
        ) : path === '/settings' ? (
          <Settings user={session.user} onLogout={onLogout} />
        ) : (
          <Route path={path} user={session.user} />
        )}
      </main>
      {session && gate === 'ready' && !officer ? <Nav path={path} /> : null}
    </>
  );
}
