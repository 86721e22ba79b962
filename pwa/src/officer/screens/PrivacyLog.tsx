/**
 * The access log viewer: who read whom, when and why (the commune's entries; admins: all).
 * Filters live in the hash query so a view can be shared: actor, subject, outside, since, until
 * (dd/mm/yyyy, the officer's days), page.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { fmtDateTime } from '../format';
import { ot } from '../i18n';
import { go } from '../nav';
import { accessLog, parseDayTime } from '../privacy-api';
import { AsyncView, useAsync } from '../ui';
import { FormErrors } from './FormErrors';

const PAGE_SIZE = 50;

function apiQuery(q: URLSearchParams): string {
  const out = new URLSearchParams({ page: q.get('page') ?? '1', page_size: String(PAGE_SIZE) });
  for (const k of ['actor', 'subject'] as const) if (q.get(k)) out.set(k, q.get(k)!);
  if (q.get('outside') === '1') out.set('outside_queue', 'true');
  const since = parseDayTime(q.get('since') ?? '', false);
  const until = parseDayTime(q.get('until') ?? '', false);
  if (since) out.set('since', since.toISOString());
  if (until) out.set('until', new Date(until.getTime() + 86_400_000).toISOString());
  return out.toString();
}

export function AccessLogView(props: { query: URLSearchParams }): JSX.Element {
  const q = props.query;
  const query = apiQuery(q);
  const [data] = useAsync(() => accessLog(query), [query]);
  const page = Number(q.get('page') ?? '1') || 1;
  const move = (to: number): void => {
    const next = new URLSearchParams(q);
    next.set('page', String(to));
    go(next.toString());
  };
  return (
    <div class="oc-stack">
      <Filters q={q} />
      <AsyncView value={data}>
        {(list) =>
          list.items.length ? (
            <div class="oc-table-wrap">
              <table class="oc-table" data-testid="pv-access-log">
                <caption>{ot('pv.log_caption', { total: list.total })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{ot('pv.col_when')}</th>
                    <th scope="col">{ot('pv.col_who')}</th>
                    <th scope="col">{ot('pv.col_action')}</th>
                    <th scope="col">{ot('pv.col_subject')}</th>
                    <th scope="col">{ot('pv.col_queue')}</th>
                    <th scope="col">{ot('pv.col_reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((r, i) => (
                    <tr key={`${r.at}-${i}`} class={r.in_queue ? '' : 'oc-row--soon'}>
                      <td class="oc-nowrap">{fmtDateTime(r.at)}</td>
                      <td>
                        {r.actor_name || <span class="oc-mono">{r.actor_id.slice(0, 8)}</span>} <span class="oc-muted">({r.actor_role})</span>
                      </td>
                      <td class="oc-mono">{r.action}</td>
                      <td>
                        {r.subject_kind} <span class="oc-mono">{r.subject_id.slice(0, 8)}</span>
                      </td>
                      <td>{ot(r.in_queue ? 'pv.yes' : 'pv.no')}</td>
                      <td>{r.reason || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {list.total > PAGE_SIZE ? (
                <nav class="oc-pager" aria-label={ot('queue.pagination')}>
                  <button type="button" class="oc-btn" disabled={page <= 1} onClick={() => move(page - 1)}>
                    ← {ot('queue.prev')}
                  </button>
                  <button type="button" class="oc-btn" disabled={page * PAGE_SIZE >= list.total} onClick={() => move(page + 1)}>
                    {ot('queue.next')} →
                  </button>
                </nav>
              ) : null}
            </div>
          ) : (
            <p class="oc-empty">{ot('pv.log_empty')}</p>
          )
        }
      </AsyncView>
    </div>
  );
}

function Filters(props: { q: URLSearchParams }): JSX.Element {
  const { q } = props;
  const [actor, setActor] = useState(q.get('actor') ?? '');
  const [subject, setSubject] = useState(q.get('subject') ?? '');
  const [outside, setOutside] = useState(q.get('outside') === '1');
  const [since, setSince] = useState(q.get('since') ?? '');
  const [until, setUntil] = useState(q.get('until') ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  const submit = (e: Event): void => {
    e.preventDefault();
    const s = since.trim() ? parseDayTime(since, false) : null;
    const u = until.trim() ? parseDayTime(until, false) : null;
    if (s === undefined || u === undefined) { setProblem(ot('pv.bad_date')); return; }
    if (s && u && s > u) { setProblem(ot('pv.bad_range')); return; }
    setProblem(undefined);
    const next = new URLSearchParams({ tab: 'privacy', view: 'log' });
    if (actor.trim()) next.set('actor', actor.normalize('NFC').trim());
    if (subject.trim()) next.set('subject', subject.trim());
    if (outside) next.set('outside', '1');
    if (since.trim()) next.set('since', since.trim());
    if (until.trim()) next.set('until', until.trim());
    go(next.toString());
  };
  return (
    <form class="oc-card oc-filters" onSubmit={submit} noValidate aria-label={ot('pv.log_filters')}>
      <label class="oc-field">
        <span>{ot('pv.log_actor')}</span>
        <input name="actor" maxLength={64} value={actor} onInput={(e) => setActor((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="oc-field">
        <span>{ot('pv.log_subject')}</span>
        <input name="subject" maxLength={36} value={subject} onInput={(e) => setSubject((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="oc-field">
        <span>{ot('pv.log_since')}</span>
        <input name="since" inputMode="numeric" placeholder="dd/mm/yyyy" value={since} onInput={(e) => setSince((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="oc-field">
        <span>{ot('pv.log_until')}</span>
        <input name="until" inputMode="numeric" placeholder="dd/mm/yyyy" value={until} onInput={(e) => setUntil((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="oc-check">
        <input type="checkbox" name="outside" checked={outside} onChange={(e) => setOutside((e.currentTarget as HTMLInputElement).checked)} /> {ot('pv.log_outside')}
      </label>
      <button type="submit" class="oc-btn oc-btn--primary">
        {ot('pv.log_apply')}
      </button>
      <FormErrors problem={problem} />
    </form>
  );
}
