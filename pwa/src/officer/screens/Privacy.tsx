/**
 * Personal data protection (issue 14, docs/privacy.md), the console's side of the law's duties:
 * a person's rights (export, summary, requests, who read them), the access log, breach records
 * (admins) and retention. Views in the hash query: `tab=privacy&view=people|log|breaches|retention`.
 */
import type { JSX } from 'preact';
import type { SessionUser } from '../../store/types';
import { ot, type OfficerKey } from '../i18n';
import { consoleHref } from '../nav';
import { BreachesView } from './PrivacyBreaches';
import { AccessLogView } from './PrivacyLog';
import { PeopleView } from './PrivacyPeople';
import { RetentionView } from './PrivacyRetention';

type View = 'people' | 'log' | 'breaches' | 'retention';
const VIEWS: readonly [View, OfficerKey][] = [
  ['people', 'pv.view_people'],
  ['log', 'pv.view_log'],
  ['breaches', 'pv.view_breaches'],
  ['retention', 'pv.view_retention'],
];

export function viewOf(q: URLSearchParams): View {
  const v = q.get('view');
  return v === 'log' || v === 'breaches' || v === 'retention' ? v : 'people';
}

export function PrivacyScreen(props: { user: SessionUser; query: URLSearchParams }): JSX.Element {
  const view = viewOf(props.query);
  const admin = props.user.role === 'admin';
  return (
    <section aria-labelledby="oc-pv-title">
      <h1 id="oc-pv-title" tabIndex={-1}>
        {ot('pv.title')}
      </h1>
      <nav class="oc-chips" aria-label={ot('pv.nav')}>
        {VIEWS.filter(([v]) => v !== 'breaches' || admin).map(([v, label]) => (
          <a key={v} href={consoleHref({ tab: 'privacy', view: v })} class={v === view ? 'oc-chip oc-chip--on' : 'oc-chip'} aria-current={v === view ? 'page' : undefined}>
            {ot(label)}
          </a>
        ))}
      </nav>
      {view === 'log' ? (
        <AccessLogView query={props.query} />
      ) : view === 'breaches' ? (
        admin ? <BreachesView /> : <p class="oc-warn">{ot('pv.br_admin_only')}</p>
      ) : view === 'retention' ? (
        <RetentionView admin={admin} />
      ) : (
        <PeopleView personId={props.query.get('person') ?? undefined} />
      )}
    </section>
  );
}
