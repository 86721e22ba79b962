/**
 * The province view (province monitors and administrators): the Decision 766 criteria this
 * product measures, for the province and each commune, communes ranked, the provinces' goal
 * lines, a weekly trend, and drill-down province → commune → procedure → the dossiers behind a
 * number. Updates live from the dossier feed (`/api/live/dossiers`) without reloading. Loaded
 * lazily by the console (its own chunk). Points are proportional (rate × confirmed weight) and
 * counted out of the measurable points only — see docs/monitoring-and-push.md.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionUser } from '../../store/types';
import { getJson } from '../../api/http';
import { fmtDate, fmtPercent } from '../format';
import { ot, pick } from '../i18n';
import { subscribeLive, type LiveState } from '../live';
import { consoleHref } from '../nav';
import {
  DRILL_METRICS,
  type CommuneView,
  type Criterion,
  type Drill,
  type DrillMetric,
  type Goal,
  type IndexResult,
  type ProvinceView,
  type Trend,
} from '../province-types';
import { AsyncView, statusLabel, useAsync } from '../ui';
import { ProvinceVersions } from './province-versions';
import { RateBars, TrendChart } from './trend-chart';

const REFRESH_DEBOUNCE_MS = 400;
const POLL_MS = 30_000;
const pts = (n: number): string => n.toFixed(2).replace('.', ',');

function href(params: Record<string, string | undefined>): string {
  const clean: Record<string, string> = { tab: 'province' };
  for (const [k, v] of Object.entries(params)) if (v) clean[k] = v;
  return consoleHref(clean);
}

/** Re-run `reload` soon after any live event, and poll when the feed is down. */
function useLive(reload: () => void): LiveState {
  const [live, setLive] = useState<LiveState>('connecting');
  const ref = useRef(reload);
  ref.current = reload;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribeLive(() => {
      clearTimeout(timer);
      timer = setTimeout(() => ref.current(), REFRESH_DEBOUNCE_MS);
    }, setLive);
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, []);
  useEffect(() => {
    if (live === 'open' || live === 'connecting') return undefined;
    const id = setInterval(() => ref.current(), POLL_MS);
    return () => clearInterval(id);
  }, [live]);
  return live;
}

function Criteria(props: { index: IndexResult }): JSX.Element {
  const rows = props.index.criteria;
  const value = (c: Criterion): string => {
    if (!c.measurable) return ot('prov.not_measurable');
    const rate = c.rate === null ? '—' : `${fmtPercent(c.rate)} (${c.numerator}/${c.denominator})`;
    return rate;
  };
  return (
    <div class="oc-scroll">
      <table class="oc-table">
        <caption>{ot('prov.criteria')}</caption>
        <thead>
          <tr>
            <th scope="col">{ot('prov.criterion')}</th>
            <th scope="col">{ot('prov.rate')}</th>
            <th scope="col">{ot('prov.points')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} class={c.measurable ? undefined : 'oc-row--muted'}>
              <td>
                {pick(c.name_vi, c.name_en)}
                {c.why_not ? <div class="oc-muted">{c.why_not}</div> : null}
              </td>
              <td>{value(c)}</td>
              <td>{c.points !== null && c.weight !== null ? `${pts(c.points)} / ${c.weight}` : c.weight === null ? ot('prov.weight_unconfirmed') : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Goals(props: { goals: Goal[] }): JSX.Element {
  return (
    <ul class="oc-goals">
      {props.goals.map((g) => (
        <li key={g.id} class={g.met === true ? 'oc-goal oc-goal--ok' : g.met === false ? 'oc-goal oc-goal--bad' : 'oc-goal'}>
          <strong>{pick(g.name_vi, g.name_en)}</strong>:{' '}
          {g.measured ? (g.rate === null ? '—' : fmtPercent(g.rate)) : ot('prov.goal_not_measured')}
          {g.met === true ? ` ✓ ${ot('dash.meets')}` : g.met === false ? ` ✗ ${ot('dash.misses')}` : ''}
          {g.note ? <div class="oc-muted">{g.note}</div> : null}
        </li>
      ))}
    </ul>
  );
}

function Headline(props: { index: IndexResult; overdue: number; testid: string }): JSX.Element {
  const i = props.index;
  return (
    <div class="oc-tiles">
      <div class="oc-tile">
        <p class="oc-tile__title">{ot('prov.points_title')}</p>
        <p class="oc-tile__value" data-testid={`${props.testid}-points`}>
          {pts(i.points)} / {i.points_possible}
        </p>
        <p class="oc-tile__detail">{ot('prov.points_note')}</p>
      </div>
      <div class="oc-tile">
        <p class="oc-tile__title">{ot('prov.received')}</p>
        <p class="oc-tile__value" data-testid={`${props.testid}-received`}>
          {i.extra['received'] ?? 0}
        </p>
        <p class="oc-tile__detail">{ot('prov.overdue_open', { count: props.overdue })}</p>
      </div>
      <div class="oc-tile">
        <p class="oc-tile__title">{ot('prov.avg_days')}</p>
        <p class="oc-tile__value">{i.average_processing_days === null ? '—' : i.average_processing_days.toFixed(1)}</p>
      </div>
    </div>
  );
}

function rateBars(rows: ProvinceView['communes'], key: 'on_time_rate' | 'satisfaction_rate' | 'electronic_result_rate'): { label: string; rate: number | null }[] {
  return rows.map((r) => ({ label: r.name, rate: r[key] }));
}

function ProvinceHome(props: { provinceId: string; canChoose: boolean }): JSX.Element {
  const [view, reload] = useAsync(() => getJson<ProvinceView>(`/api/province/${encodeURIComponent(props.provinceId)}/index`), [props.provinceId]);
  const [trend, reloadTrend] = useAsync(() => getJson<Trend>(`/api/province/${encodeURIComponent(props.provinceId)}/trend?weeks=12`), [props.provinceId]);
  const live = useLive(() => {
    void reload();
    void reloadTrend();
  });
  return (
    <section aria-labelledby="prov-h">
      <AsyncView value={view}>
        {(v) => (
          <div>
            <h1 id="prov-h" tabIndex={-1}>
              {ot('prov.title', { name: v.province.name })}
            </h1>
            <p class="oc-muted">
              {ot('prov.period', { from: fmtDate(v.from), to: fmtDate(v.to) })} · <span data-testid="live-state">{ot(`prov.live_${live}`)}</span>
            </p>
            <Headline index={v.index} overdue={v.overdue_open} testid="province" />
            <h2>{ot('prov.goals')}</h2>
            <Goals goals={v.index.goals} />
            <h2>{ot('prov.ranking')}</h2>
            <div class="oc-scroll">
              <table class="oc-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{ot('prov.commune')}</th>
                    <th scope="col">{ot('prov.points')}</th>
                    <th scope="col">{ot('prov.on_time')}</th>
                    <th scope="col">{ot('prov.satisfaction')}</th>
                    <th scope="col">{ot('prov.received')}</th>
                    <th scope="col">{ot('prov.overdue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.communes.map((c) => (
                    <tr key={c.commune_id}>
                      <td>{c.rank}</td>
                      <td class="oc-nowrap">
                        <a href={href({ commune: c.commune_id })}>{c.name}</a>
                      </td>
                      <td>{pts(c.points)}</td>
                      <td>{fmtPercent(c.on_time_rate)}</td>
                      <td>{fmtPercent(c.satisfaction_rate)}</td>
                      <td data-testid={`received-${c.commune_id}`}>{c.received}</td>
                      <td>{c.overdue_open}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <RateBars title={ot('prov.chart_on_time')} bars={rateBars(v.communes, 'on_time_rate')} />
            <RateBars title={ot('prov.chart_satisfaction')} bars={rateBars(v.communes, 'satisfaction_rate')} goal={0.95} />
            <RateBars title={ot('prov.chart_electronic')} bars={rateBars(v.communes, 'electronic_result_rate')} goal={1} />
            <Criteria index={v.index} />
          </div>
        )}
      </AsyncView>
      <AsyncView value={trend}>
        {(t) => (
          <TrendChart
            title={ot('prov.trend')}
            weeks={t.weeks.map((w) => w.week)}
            series={[
              { label: ot('prov.on_time'), values: t.weeks.map((w) => w.on_time_rate), tone: 'ok' },
              { label: ot('prov.satisfaction'), values: t.weeks.map((w) => w.satisfaction_rate), tone: 'warn' },
            ]}
            target={{ value: 0.95, label: '95 %' }}
          />
        )}
      </AsyncView>
      <ProvinceVersions provinceId={props.provinceId} canChoose={props.canChoose} />
    </section>
  );
}

function CommuneDetail(props: { provinceId: string; communeId: string; procedure?: string; metric?: DrillMetric }): JSX.Element {
  const cid = encodeURIComponent(props.communeId);
  const [view, reload] = useAsync(() => getJson<CommuneView>(`/api/province/communes/${cid}/index`), [cid]);
  const drillQuery = new URLSearchParams({ metric: props.metric ?? 'finished', ...(props.procedure ? { procedure_code: props.procedure } : {}) }).toString();
  const [drill, reloadDrill] = useAsync(
    () => (props.metric ? getJson<Drill>(`/api/province/communes/${cid}/dossiers?${drillQuery}`) : Promise.resolve(undefined)),
    [cid, drillQuery, props.metric],
  );
  useLive(() => {
    void reload();
    void reloadDrill();
  });
  return (
    <section aria-labelledby="prov-c">
      <p>
        <a href={href({})}>← {ot('prov.back')}</a>
      </p>
      <AsyncView value={view}>
        {(v) => (
          <div>
            <h1 id="prov-c" tabIndex={-1}>
              {v.commune.name}
            </h1>
            <Headline index={v.index} overdue={v.overdue_open} testid="commune" />
            <Goals goals={v.index.goals} />
            <h2>{ot('prov.procedures')}</h2>
            <div class="oc-scroll">
              <table class="oc-table">
                <thead>
                  <tr>
                    <th scope="col">{ot('prov.procedure')}</th>
                    <th scope="col">{ot('prov.points')}</th>
                    <th scope="col">{ot('prov.on_time')}</th>
                    <th scope="col">{ot('prov.received')}</th>
                    <th scope="col">{ot('prov.finished')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.procedures.map((p) => (
                    <tr key={p.procedure_code}>
                      <td>
                        <a href={href({ commune: props.communeId, procedure: p.procedure_code, metric: 'finished' })}>{p.procedure_code}</a>
                      </td>
                      <td>{pts(p.points)}</td>
                      <td>{fmtPercent(p.on_time_rate)}</td>
                      <td>{p.received}</td>
                      <td>{p.finished}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Criteria index={v.index} />
          </div>
        )}
      </AsyncView>
      <h2>{ot('prov.dossiers_behind')}</h2>
      <nav class="oc-chips" aria-label={ot('prov.dossiers_behind')}>
        {DRILL_METRICS.map((m) => (
          <a key={m} class={m === props.metric ? 'oc-chip oc-chip--on' : 'oc-chip'} href={href({ commune: props.communeId, procedure: props.procedure, metric: m })}>
            {ot(`prov.metric_${m}`)}
          </a>
        ))}
      </nav>
      {props.procedure ? <p class="oc-muted">{ot('prov.procedure')}: {props.procedure}</p> : null}
      <AsyncView value={drill}>
        {(d) =>
          d === undefined ? (
            <p class="oc-muted">{ot('prov.pick_metric')}</p>
          ) : d.dossiers.length === 0 ? (
            <p class="oc-muted">{ot('prov.none')}</p>
          ) : (
            <div class="oc-scroll">
              <table class="oc-table">
                <thead>
                  <tr>
                    <th scope="col">{ot('prov.code')}</th>
                    <th scope="col">{ot('prov.procedure')}</th>
                    <th scope="col">{ot('prov.status')}</th>
                    <th scope="col">{ot('prov.due')}</th>
                    <th scope="col">{ot('prov.when')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.dossiers.map((r) => (
                    <tr key={r.id}>
                      <td>{r.official_code ?? r.id.slice(0, 8)}</td>
                      <td>{r.procedure_code}</td>
                      <td>{statusLabel(r.status)}</td>
                      <td>{fmtDate(r.due_date)}</td>
                      <td>{fmtDate(r.at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </AsyncView>
    </section>
  );
}

export default function ProvinceScreen(props: { user: SessionUser & { province_id?: string | null }; query: URLSearchParams }): JSX.Element {
  const provinceId = props.query.get('province') ?? props.user.province_id ?? '';
  if (!provinceId) return <p class="oc-muted">{ot('prov.no_province')}</p>;
  const commune = props.query.get('commune');
  const metric = props.query.get('metric');
  if (commune) {
    return (
      <CommuneDetail
        provinceId={provinceId}
        communeId={commune}
        procedure={props.query.get('procedure') ?? undefined}
        metric={(DRILL_METRICS as readonly string[]).includes(metric ?? '') ? (metric as DrillMetric) : undefined}
      />
    );
  }
  return <ProvinceHome provinceId={provinceId} canChoose={props.user.role === 'province_admin' || props.user.role === 'admin'} />;
}
