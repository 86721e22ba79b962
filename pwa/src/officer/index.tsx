/**
 * Officer console — the commune office's side of Làng Số: queue, dossier review and actions,
 * dashboard, devices, household import, the signer of result papers. Loaded only through a dynamic import() for officer/admin
 * users, so it is its own chunk (assets/officer-*.js): never part of the volunteer entry and not
 * precached. Its messages (./i18n) and styles (./styles) live in this chunk too.
 * Keep imports one-way: the volunteer code must never import from src/officer/.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getLang, setLang } from '../i18n';
import { useHashPath } from '../router';
import type { SessionUser } from '../store/types';
import { ot, useLang } from './i18n';
import { consoleHref, queryOf, tabOf, TABS, type Tab } from './nav';
import { ReasonPromptHost } from './reason-dialog'; // registers the access-reason question
import { DashboardScreen } from './screens/Dashboard';
import { DevicesScreen } from './screens/Devices';
import { DossierScreen } from './screens/Dossier';
import { ImportScreen } from './screens/Import';
import { PrivacyScreen } from './screens/Privacy';
import { Queue } from './screens/Queue';
import { SignerScreen } from './screens/Signer';
import { injectStyles } from './styles';

// Styles go in when the chunk loads, before the first render: injected after it (in an effect)
// they restyled a painted console and shifted the whole page (layout shift 0.75).
injectStyles();

const TAB_LABEL: Record<Exclude<Tab, 'dossier'>, 'tab.queue' | 'tab.dashboard' | 'tab.devices' | 'tab.import' | 'tab.privacy' | 'tab.signer'> = {
  queue: 'tab.queue',
  dashboard: 'tab.dashboard',
  devices: 'tab.devices',
  import: 'tab.import',
  privacy: 'tab.privacy',
  signer: 'tab.signer',
};

/** The queue's API query: the console hash query without `tab`. */
function withoutTab(q: URLSearchParams): string {
  const copy = new URLSearchParams(q);
  copy.delete('tab');
  return copy.toString();
}

type ProvinceModule = typeof import('./screens/Province');

/** The province view, its own lazily loaded chunk (only province roles and admins open it). */
function LazyProvince(props: { user: SessionUser; query: URLSearchParams }): JSX.Element {
  const [mod, setMod] = useState<ProvinceModule | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    import('./screens/Province').then(setMod, (e: unknown) => setError(String(e)));
  }, []);
  if (error) return <p class="oc-error" role="alert">{error}</p>;
  if (!mod) return <p class="oc-muted">{ot('common.loading')}</p>;
  const Screen = mod.default;
  return <Screen user={props.user} query={props.query} />;
}

const isProvinceRole = (role: string): boolean => role === 'province_monitor' || role === 'province_admin';

export default function OfficerConsole(props: { user: SessionUser }): JSX.Element {
  useLang();
  if (isProvinceRole(props.user.role)) return <ProvinceConsole user={props.user} />;
  return <CommuneConsole user={props.user} />;
}

function ProvinceConsole(props: { user: SessionUser }): JSX.Element {
  const path = useHashPath();
  const q = queryOf(path);
  useEffect(() => injectStyles(), []);
  useEffect(() => {
    document.querySelector<HTMLElement>('.oc h1')?.focus();
  }, [q.get('commune'), q.get('metric')]);
  return (
    <div class="oc">
      <header class="oc-top">
        <div class="oc-top__title">
          <strong>{ot('prov.console_title')}</strong>
          <span class="oc-muted">
            {props.user.full_name} · {ot(props.user.role === 'province_admin' ? 'prov.role_admin' : 'prov.role_monitor')}
          </span>
        </div>
        <button type="button" class="oc-btn oc-btn--ghost" onClick={() => setLang(getLang() === 'vi' ? 'en' : 'vi')} lang={getLang() === 'vi' ? 'en' : 'vi'}>
          {getLang() === 'vi' ? 'English' : 'Tiếng Việt'}
        </button>
      </header>
      <div class="oc-body">
        <LazyProvince user={props.user} query={q} />
      </div>
    </div>
  );
}

function CommuneConsole(props: { user: SessionUser }): JSX.Element {
  const path = useHashPath();
  const q = queryOf(path);
  const tab = tabOf(q);
  useEffect(() => {
    document.querySelector<HTMLElement>('.oc h1')?.focus();
  }, [tab, q.get('id'), q.get('view')]);
  const active = tab === 'dossier' ? 'queue' : tab;
  return (
    <div class="oc">
      <header class="oc-top">
        <div class="oc-top__title">
          <strong>{ot('console.title')}</strong>
          <span class="oc-muted">
            {props.user.full_name} · {ot(props.user.role === 'admin' ? 'console.role_admin' : 'console.role_officer')}
          </span>
        </div>
        <nav aria-label={ot('console.nav')} class="oc-tabs">
          {TABS.map((t) => (
            <a key={t} href={consoleHref({ tab: t })} class={t === active ? 'oc-tab oc-tab--on' : 'oc-tab'} aria-current={t === active ? 'page' : undefined}>
              {ot(TAB_LABEL[t as Exclude<Tab, 'dossier'>])}
            </a>
          ))}
        </nav>
        <button type="button" class="oc-btn oc-btn--ghost" onClick={() => setLang(getLang() === 'vi' ? 'en' : 'vi')} lang={getLang() === 'vi' ? 'en' : 'vi'}>
          {getLang() === 'vi' ? 'English' : 'Tiếng Việt'}
        </button>
      </header>
      <div class="oc-body">
        {tab === 'dossier' && q.get('id') ? (
          <DossierScreen id={q.get('id')!} />
        ) : tab === 'dashboard' ? (
          <DashboardScreen query={withoutTab(q)} />
        ) : tab === 'devices' ? (
          <DevicesScreen />
        ) : tab === 'import' ? (
          <ImportScreen role={props.user.role} />
        ) : tab === 'privacy' ? (
          <PrivacyScreen user={props.user} query={q} />
        ) : tab === 'signer' ? (
          <SignerScreen role={props.user.role} communeId={props.user.commune_id} />
        ) : (
          <Queue query={withoutTab(q)} />
        )}
      </div>
      <ReasonPromptHost />
    </div>
  );
}
