/**
 * The queue: dossiers of the commune, filtered with the API's own parameters (kept in the hash),
 * sorted by due date by the server, with flags as badges. The live feed adds new dossiers without
 * a page reload and counts them in a notice.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson } from '../../api/http';
import { fmtDate } from '../format';
import { ot, pick } from '../i18n';
import { newDossierIds, subscribeLive, type LiveState } from '../live';
import { loadLookups, type Lookups } from '../lookups';
import { consoleHref, go, rememberQueue } from '../nav';
import {
  activeFilterCount,
  buildQueueQuery,
  FLAG_FILTERS,
  PAGE_SIZES,
  pageCount,
  parseQueueFilters,
  withFilter,
  type FlagFilter,
  type QueueFilters,
  type TextFilter,
} from '../query';
import { STATUSES, type LiveEvent, type QueuePage } from '../types';
import { Badge, ErrorBox, FlagBadges, statusLabel } from '../ui';

/** Without a working live feed the queue is re-read this often. */
export const POLL_MS = 30_000;
/** Live events arriving together cause one re-fetch. */
export const REFRESH_DEBOUNCE_MS = 800;

const FLAG_LABEL: Record<FlagFilter, 'filter.due_soon' | 'filter.overdue' | 'filter.has_conflict' | 'filter.possible_duplicate'> = {
  due_soon: 'filter.due_soon',
  overdue: 'filter.overdue',
  has_conflict: 'filter.has_conflict',
  possible_duplicate: 'filter.possible_duplicate',
};

function Select(props: {
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}): JSX.Element {
  return (
    <label class="oc-field">
      <span>{props.label}</span>
      <select value={props.value ?? ''} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{ot('filter.any')}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Queue(props: { query: string }): JSX.Element {
  const filters = useMemo(() => parseQueueFilters(props.query), [props.query]);
  const apiQuery = buildQueueQuery(filters);
  const [page, setPage] = useState<QueuePage | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [lookups, setLookups] = useState<Lookups>({ villages: [], procedures: [], volunteers: [] });
  const [fresh, setFresh] = useState<string[]>([]);
  const [live, setLive] = useState<LiveState>('connecting');
  const known = useRef(new Set<string>());
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = async (): Promise<void> => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const body = await getJson<QueuePage>(`/api/review/dossiers?${apiQuery}`);
      if (mine !== seq.current) return;
      for (const item of body.items) known.current.add(item.id);
      setPage(body);
      setError(undefined);
    } catch (e) {
      if (mine === seq.current) setError(e);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    rememberQueue(apiQuery);
    void load();
  }, [apiQuery]);

  useEffect(() => {
    void loadLookups().then(setLookups, () => undefined);
  }, []);

  useEffect(() => {
    const onEvent = (event: LiveEvent): void => {
      const added = newDossierIds([event], known.current);
      if (added.length) {
        for (const id of added) known.current.add(id);
        setFresh((prev) => [...prev, ...added.filter((id) => !prev.includes(id))]);
      }
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void loadRef.current(), REFRESH_DEBOUNCE_MS);
    };
    const stop = subscribeLive(onEvent, setLive);
    return () => {
      stop();
      clearTimeout(timer.current);
    };
  }, []);

  useEffect(() => {
    if (live === 'open' || live === 'connecting') return undefined;
    const id = setInterval(() => void loadRef.current(), POLL_MS);
    return () => clearInterval(id);
  }, [live]);

  const set = (key: TextFilter | FlagFilter, value: string | boolean | undefined): void =>
    go(`tab=queue&${buildQueueQuery(withFilter(filters, key, value))}`);
  const setPageNo = (n: number): void => go(`tab=queue&${buildQueueQuery({ ...filters, page: n })}`);
  const pages = page ? pageCount(page.total, page.page_size) : 1;

  return (
    <section aria-labelledby="oc-queue-title">
      <div class="oc-row oc-row--between">
        <h1 id="oc-queue-title" tabIndex={-1}>
          {ot('queue.title')}
        </h1>
        <span class={`oc-live oc-live--${live}`} role="status">
          {ot(`live.${live}`)}
        </span>
      </div>

      {fresh.length ? (
        <div class="oc-notice" role="status" aria-live="polite">
          <strong>{ot('queue.new_notice', { count: fresh.length })}</strong>
          <button
            type="button"
            class="oc-btn"
            onClick={() => {
              setFresh([]);
              if (filters.page !== 1) setPageNo(1);
              else void load();
            }}
          >
            {ot('queue.new_show')}
          </button>
          <button type="button" class="oc-btn oc-btn--ghost" onClick={() => setFresh([])}>
            {ot('queue.new_dismiss')}
          </button>
        </div>
      ) : null}

      <form class="oc-filters" aria-label={ot('queue.filters')} onSubmit={(e) => e.preventDefault()}>
        <Select
          label={ot('filter.status')}
          value={filters.status}
          options={STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          onChange={(v) => set('status', v)}
        />
        <Select
          label={ot('filter.procedure')}
          value={filters.procedure_code}
          options={lookups.procedures.map((p) => ({ value: p.code, label: pick(p.name_vi, p.name_en) }))}
          onChange={(v) => set('procedure_code', v)}
        />
        <Select
          label={ot('filter.village')}
          value={filters.village_id}
          options={lookups.villages.map((v) => ({ value: v.id, label: v.name }))}
          onChange={(v) => set('village_id', v)}
        />
        <Select
          label={ot('filter.volunteer')}
          value={filters.volunteer}
          options={lookups.volunteers.map((v) => ({ value: v.id, label: v.name }))}
          onChange={(v) => set('volunteer', v)}
        />
        <fieldset class="oc-checks">
          <legend>{ot('filter.flags')}</legend>
          {FLAG_FILTERS.map((key) => (
            <label key={key} class="oc-check">
              <input
                type="checkbox"
                name={key}
                checked={!!filters[key]}
                onChange={(e) => set(key, (e.currentTarget as HTMLInputElement).checked)}
              />
              {ot(FLAG_LABEL[key])}
            </label>
          ))}
        </fieldset>
        {activeFilterCount(filters) ? (
          <button type="button" class="oc-btn oc-btn--ghost" onClick={() => go(`tab=queue&page_size=${filters.page_size}`)}>
            {ot('filter.clear')}
          </button>
        ) : null}
      </form>

      <ErrorBox error={error} />
      <QueueTable page={page} filters={filters} fresh={fresh} loading={loading} />

      {page ? (
        <nav class="oc-pager" aria-label={ot('queue.pagination')}>
          <button type="button" class="oc-btn" disabled={filters.page <= 1} onClick={() => setPageNo(filters.page - 1)}>
            ← {ot('queue.prev')}
          </button>
          <span>{ot('queue.page_of', { page: page.page, pages, total: page.total })}</span>
          <button type="button" class="oc-btn" disabled={filters.page >= pages} onClick={() => setPageNo(filters.page + 1)}>
            {ot('queue.next')} →
          </button>
          <label class="oc-field oc-field--inline">
            <span>{ot('queue.page_size')}</span>
            <select
              value={String(filters.page_size)}
              onChange={(e) =>
                go(`tab=queue&${buildQueueQuery({ ...filters, page: 1, page_size: Number((e.currentTarget as HTMLSelectElement).value) })}`)
              }
            >
              {PAGE_SIZES.map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </nav>
      ) : null}
    </section>
  );
}

function QueueTable(props: { page: QueuePage | undefined; filters: QueueFilters; fresh: string[]; loading: boolean }): JSX.Element {
  const { page } = props;
  if (!page) return <p class="oc-muted">{props.loading ? ot('common.loading') : ''}</p>;
  if (!page.items.length) return <p class="oc-empty">{ot('queue.empty')}</p>;
  return (
    <div class="oc-table-wrap">
      <table class="oc-table" aria-busy={props.loading ? 'true' : 'false'}>
        <caption class="oc-sr">{ot('queue.caption', { today: fmtDate(page.today) })}</caption>
        <thead>
          <tr>
            <th scope="col">{ot('col.code')}</th>
            <th scope="col">{ot('col.procedure')}</th>
            <th scope="col">{ot('col.applicant')}</th>
            <th scope="col">{ot('col.village')}</th>
            <th scope="col">{ot('col.volunteer')}</th>
            <th scope="col">{ot('col.status')}</th>
            <th scope="col" aria-sort="ascending">
              {ot('col.due')} ↑
            </th>
            <th scope="col">{ot('col.flags')}</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((d) => (
            <tr
              key={d.id}
              class={[
                d.flags.signature_valid === false ? 'oc-row--loud' : '',
                d.flags.overdue ? 'oc-row--overdue' : d.flags.due_soon ? 'oc-row--soon' : '',
              ].join(' ')}
            >
              <td>
                <a href={consoleHref({ tab: 'dossier', id: d.id })} class="oc-code">
                  {d.code}
                </a>
                {props.fresh.includes(d.id) ? <Badge tone="green">{ot('queue.new_badge')}</Badge> : null}
              </td>
              <td>{d.procedure_name}</td>
              <td>{d.applicant_name}</td>
              <td>{d.village_name}</td>
              <td>{d.volunteer_name}</td>
              <td>{statusLabel(d.status, d.status_label_vi)}</td>
              <td class="oc-nowrap">{fmtDate(d.due_date)}</td>
              <td>
                <FlagBadges flags={d.flags} status={d.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
