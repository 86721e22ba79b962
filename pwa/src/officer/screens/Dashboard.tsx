/**
 * Monitoring for the commune, one village or one volunteer: dossiers by status, on-time rate,
 * median fill time against 5 minutes, prefilled share against 50 %, satisfaction against 95 %,
 * sync health. Figures come from `GET /api/monitoring/dashboard`; the CSV buttons download the
 * same scope from the two CSV endpoints.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../../api/http';
import { download } from '../http-ui';
import { fmtAge, fmtDateTime, fmtDuration, fmtPercent } from '../format';
import { ot } from '../i18n';
import { loadLookups, type Lookups } from '../lookups';
import { go } from '../nav';
import { STATUSES, type Dashboard as Board, type Figures } from '../types';
import { AsyncView, ErrorBox, statusLabel, useAsync } from '../ui';
import { BarChart, type Bar } from './charts';

export const SCOPE_KEYS = ['village_id', 'volunteer_id', 'from', 'to'] as const;

/** The scope query for the three monitoring endpoints (fixed order, empty values dropped). */
export function scopeQuery(q: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const k of SCOPE_KEYS) {
    const v = q.get(k)?.trim();
    if (v) out.set(k, v);
  }
  return out.toString();
}

const tone = (meets: boolean | null): Bar['tone'] => (meets === null ? 'neutral' : meets ? 'ok' : 'bad');

function Tile(props: { title: string; value: string; target?: string; meets?: boolean | null; detail?: string }): JSX.Element {
  const state = props.meets === undefined || props.meets === null ? '' : props.meets ? ' oc-tile--ok' : ' oc-tile--bad';
  return (
    <div class={`oc-tile${state}`}>
      <p class="oc-tile__title">{props.title}</p>
      <p class="oc-tile__value">{props.value}</p>
      {props.target ? (
        <p class="oc-tile__target">
          {props.target}
          {props.meets === true ? ` · ✓ ${ot('dash.meets')}` : props.meets === false ? ` · ✗ ${ot('dash.misses')}` : ''}
        </p>
      ) : null}
      {props.detail ? <p class="oc-tile__detail">{props.detail}</p> : null}
    </div>
  );
}

function Tiles(props: { f: Figures & { dossiers: number }; board: Board }): JSX.Element {
  const { f, board } = props;
  const h = board.sync_health;
  return (
    <div class="oc-tiles">
      <Tile title={ot('dash.dossiers')} value={String(f.dossiers)} detail={ot('dash.open_overdue', { count: f.on_time.open_overdue })} />
      <Tile
        title={ot('dash.on_time')}
        value={fmtPercent(f.on_time.rate)}
        detail={ot('dash.on_time_detail', { before: f.on_time.before, on: f.on_time.on, after: f.on_time.after, finished: f.on_time.finished })}
      />
      <Tile
        title={ot('dash.fill_time')}
        value={fmtDuration(f.fill_time.median_seconds)}
        target={ot('dash.fill_target', { target: fmtDuration(f.fill_time.target_seconds) })}
        meets={f.fill_time.meets_target}
        detail={ot('dash.fill_detail', { within: f.fill_time.within_target, count: f.fill_time.count })}
      />
      <Tile
        title={ot('dash.prefill')}
        value={fmtPercent(f.prefill.share)}
        target={ot('dash.prefill_target', { target: fmtPercent(f.prefill.target) })}
        meets={f.prefill.meets_target}
        detail={ot('dash.prefill_detail', { prefilled: f.prefill.prefilled_fields, total: f.prefill.total_fields }) + (f.prefill.source === 'computed' ? ` · ${ot('dash.prefill_computed')}` : '')}
      />
      <Tile
        title={ot('dash.satisfaction')}
        value={fmtPercent(f.satisfaction.rate)}
        target={ot('dash.satisfaction_target', { target: fmtPercent(f.satisfaction.target) })}
        meets={f.satisfaction.meets_target}
        detail={
          ot('dash.satisfaction_detail', {
            very: f.satisfaction.very_satisfied,
            ok: f.satisfaction.satisfied,
            not: f.satisfaction.not_satisfied,
          }) +
          (f.satisfaction.by_channel ? ` · ${ot('dash.satisfaction_channels', { device: f.satisfaction.by_channel.device, web: f.satisfaction.by_channel.web })}` : '')
        }
      />
      {f.satisfaction_volunteer ? (
        <Tile
          title={ot('dash.satisfaction_volunteer')}
          value={fmtPercent(f.satisfaction_volunteer.rate)}
          meets={null}
          target={ot('dash.satisfaction_volunteer_note')}
          detail={ot('dash.satisfaction_detail', {
            very: f.satisfaction_volunteer.very_satisfied,
            ok: f.satisfaction_volunteer.satisfied,
            not: f.satisfaction_volunteer.not_satisfied,
          })}
        />
      ) : null}
      <Tile
        title={ot('dash.sync')}
        value={`${h.devices_with_pending}/${h.devices}`}
        meets={h.devices ? h.devices_with_pending === 0 : null}
        target={ot('dash.sync_value')}
        detail={ot('dash.sync_detail', { age: fmtAge(h.oldest_pending_age_seconds), never: h.devices_never_reported, items: h.pending_total })}
      />
    </div>
  );
}

function GroupTable(props: { title: string; rows: (Figures & { name: string; dossiers: number; key: string })[] }): JSX.Element | null {
  if (!props.rows.length) return null;
  return (
    <div class="oc-table-wrap">
      <table class="oc-table">
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">{ot('dash.name')}</th>
            <th scope="col">{ot('dash.dossiers')}</th>
            <th scope="col">{ot('dash.on_time')}</th>
            <th scope="col">{ot('dash.fill_time')}</th>
            <th scope="col">{ot('dash.prefill')}</th>
            <th scope="col">{ot('dash.satisfaction')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.name}</th>
              <td>{r.dossiers}</td>
              <td>{fmtPercent(r.on_time.rate)}</td>
              <td class={r.fill_time.meets_target === false ? 'oc-bad' : ''}>{fmtDuration(r.fill_time.median_seconds)}</td>
              <td class={r.prefill.meets_target === false ? 'oc-bad' : ''}>{fmtPercent(r.prefill.share)}</td>
              <td class={r.satisfaction.meets_target === false ? 'oc-bad' : ''}>{fmtPercent(r.satisfaction.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Charts(props: { board: Board }): JSX.Element {
  const { board } = props;
  const t = board.totals;
  const villages = board.by_village;
  const statusBars: Bar[] = STATUSES.filter((s) => s !== 'draft' || t.by_status[s]).map((s) => ({ label: statusLabel(s), value: t.by_status[s] ?? 0 }));
  const pct = (r: number | null): number => (r === null ? 0 : r * 100);
  return (
    <div class="oc-charts">
      <BarChart title={ot('dash.chart_status')} bars={statusBars} />
      <BarChart
        title={ot('dash.chart_on_time')}
        bars={[
          { label: ot('dash.before'), value: t.on_time.before, tone: 'ok' },
          { label: ot('dash.on'), value: t.on_time.on, tone: 'ok' },
          { label: ot('dash.after'), value: t.on_time.after, tone: 'bad' },
          { label: ot('dash.open_overdue_short'), value: t.on_time.open_overdue, tone: 'warn' },
        ]}
      />
      {villages.length ? (
        <>
          <BarChart
            title={ot('dash.chart_fill')}
            bars={villages.map((v) => ({ label: v.name, value: v.fill_time.median_seconds ?? 0, text: fmtDuration(v.fill_time.median_seconds), tone: tone(v.fill_time.meets_target) }))}
            target={{ value: t.fill_time.target_seconds, label: fmtDuration(t.fill_time.target_seconds) }}
          />
          <BarChart
            title={ot('dash.chart_prefill')}
            max={100}
            bars={villages.map((v) => ({ label: v.name, value: pct(v.prefill.share), text: fmtPercent(v.prefill.share), tone: tone(v.prefill.meets_target) }))}
            target={{ value: t.prefill.target * 100, label: fmtPercent(t.prefill.target) }}
          />
          <BarChart
            title={ot('dash.chart_satisfaction')}
            max={100}
            bars={villages.map((v) => ({ label: v.name, value: pct(v.satisfaction.rate), text: fmtPercent(v.satisfaction.rate), tone: tone(v.satisfaction.meets_target) }))}
            target={{ value: t.satisfaction.target * 100, label: fmtPercent(t.satisfaction.target) }}
          />
        </>
      ) : null}
    </div>
  );
}

function SyncHealth(props: { board: Board }): JSX.Element | null {
  const items = props.board.sync_health.items;
  if (!items.length) return null;
  return (
    <div class="oc-table-wrap">
      <table class="oc-table">
        <caption>{ot('dash.sync_table')}</caption>
        <thead>
          <tr>
            <th scope="col">{ot('col.volunteer')}</th>
            <th scope="col">{ot('dev.label')}</th>
            <th scope="col">{ot('dash.pending')}</th>
            <th scope="col">{ot('dash.oldest')}</th>
            <th scope="col">{ot('dash.reported')}</th>
            <th scope="col">{ot('dev.last_push')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.device_id} class={d.pending ? 'oc-row--soon' : ''}>
              <td>{d.volunteer_name}</td>
              <td>{d.label || d.device_id.slice(0, 8)}</td>
              <td>{d.pending ?? ot('dash.never_reported')}</td>
              <td>{fmtAge(d.oldest_pending_age_seconds)}</td>
              <td>{fmtDateTime(d.reported_at)}</td>
              <td>{fmtDateTime(d.last_push_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DashboardScreen(props: { query: string }): JSX.Element {
  const q = new URLSearchParams(props.query);
  const scope = scopeQuery(q);
  const [board] = useAsync(() => getJson<Board>(`/api/monitoring/dashboard${scope ? `?${scope}` : ''}`), [scope]);
  const [lookups, setLookups] = useState<Lookups>({ villages: [], procedures: [], volunteers: [] });
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    void loadLookups().then(setLookups, () => undefined);
  }, []);
  const setScope = (key: (typeof SCOPE_KEYS)[number], value: string): void => {
    const next = new URLSearchParams(scope);
    if (value) next.set(key, value);
    else next.delete(key);
    go(`tab=dashboard${next.toString() ? `&${scopeQuery(next)}` : ''}`);
  };
  const csv = (path: string, name: string): void => {
    setError(undefined);
    download(`${path}${scope ? `?${scope}` : ''}`, name).catch(setError);
  };
  return (
    <section aria-labelledby="oc-dash-title">
      <h1 id="oc-dash-title" tabIndex={-1}>
        {ot('dash.title')}
      </h1>
      <form class="oc-filters" onSubmit={(e) => e.preventDefault()} aria-label={ot('dash.scope')}>
        <label class="oc-field">
          <span>{ot('filter.village')}</span>
          <select value={q.get('village_id') ?? ''} onChange={(e) => setScope('village_id', (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{ot('dash.whole_commune')}</option>
            {lookups.villages.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <label class="oc-field">
          <span>{ot('filter.volunteer')}</span>
          <select value={q.get('volunteer_id') ?? ''} onChange={(e) => setScope('volunteer_id', (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{ot('filter.any')}</option>
            {lookups.volunteers.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <label class="oc-field">
          <span>{ot('dash.from')}</span>
          <input type="date" value={q.get('from') ?? ''} onChange={(e) => setScope('from', (e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="oc-field">
          <span>{ot('dash.to')}</span>
          <input type="date" value={q.get('to') ?? ''} onChange={(e) => setScope('to', (e.currentTarget as HTMLInputElement).value)} />
        </label>
        <div class="oc-row oc-row--end">
          <button type="button" class="oc-btn" onClick={() => csv('/api/monitoring/dashboard.csv', 'langso-chi-so.csv')}>
            {ot('dash.csv_figures')}
          </button>
          <button type="button" class="oc-btn" onClick={() => csv('/api/monitoring/dossiers.csv', 'langso-ho-so.csv')}>
            {ot('dash.csv_dossiers')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      <AsyncView value={board}>
        {(b) => (
          <>
            <p class="oc-muted">{ot('dash.generated', { at: fmtDateTime(b.generated_at) })}</p>
            <Tiles f={b.totals} board={b} />
            <Charts board={b} />
            <GroupTable title={ot('dash.by_village')} rows={b.by_village.map((v) => ({ ...v, key: v.village_id }))} />
            <GroupTable title={ot('dash.by_volunteer')} rows={b.by_volunteer.map((v) => ({ ...v, key: v.volunteer_id }))} />
            <SyncHealth board={b} />
          </>
        )}
      </AsyncView>
    </section>
  );
}
