/**
 * Breach duty (72 hours): the admin records a breach — what happened, when it was found, the
 * window, the devices and accounts involved — the server computes the people and communes
 * affected (access log + device records) and writes the notice to A05 (text or PDF).
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getJson } from '../../api/http';
import { openFile } from '../http-ui';
import { fmtDateTime } from '../format';
import { ot } from '../i18n';
import { breachNoticePath, breaches, openBreach, parseDayTime, type Breach } from '../privacy-api';
import type { Device, Page } from '../types';
import { AsyncView, Badge, ErrorBox, useAsync } from '../ui';
import { FormErrors } from './FormErrors';

interface Account {
  id: string;
  username: string;
}

async function accountIds(usernames: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!usernames.length) return out;
  const lists = await Promise.all(
    ['volunteer', 'officer', 'admin'].map((role) => getJson<Page<Account>>(`/api/users?role=${role}&page_size=200`).catch(() => undefined)),
  );
  for (const list of lists) for (const u of list?.items ?? []) out.set(u.username, u.id);
  return out;
}

export function BreachesView(): JSX.Element {
  const [list, reload] = useAsync(breaches, []);
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  return (
    <div class="oc-stack">
      <BreachForm
        onOpened={async (b) => {
          setMessage(ot('pv.br_done', { count: b.affected_members, at: fmtDateTime(b.notify_by) }));
          await reload();
        }}
      />
      {message ? (
        <p class="oc-success" role="status">
          {message}
        </p>
      ) : null}
      <ErrorBox error={error} />
      <section class="oc-card" aria-labelledby="oc-pv-br-list">
        <h2 id="oc-pv-br-list">{ot('pv.br_list')}</h2>
        <AsyncView value={list}>
          {(rows) =>
            rows.length ? (
              <table class="oc-table" data-testid="pv-breaches">
                <thead>
                  <tr>
                    <th scope="col">{ot('pv.br_description')}</th>
                    <th scope="col">{ot('pv.br_found')}</th>
                    <th scope="col">{ot('pv.br_deadline')}</th>
                    <th scope="col">{ot('pv.br_people')}</th>
                    <th scope="col">{ot('pv.br_communes')}</th>
                    <th scope="col">
                      <span class="oc-sr">{ot('dev.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((b) => (
                    <tr key={b.id}>
                      <td>{b.description}</td>
                      <td>{fmtDateTime(b.found_at)}</td>
                      <td>
                        {fmtDateTime(b.notify_by)} <Deadline at={b.notify_by} />
                      </td>
                      <td>{b.affected_members}</td>
                      <td>{b.affected_communes.join(', ') || '—'}</td>
                      <td class="oc-nowrap">
                        <button type="button" class="oc-btn" onClick={() => openFile(breachNoticePath(b.id, 'txt')).catch(setError)}>
                          {ot('pv.br_notice_txt')}
                        </button>{' '}
                        <button type="button" class="oc-btn" onClick={() => openFile(breachNoticePath(b.id, 'pdf')).catch(setError)}>
                          {ot('pv.br_notice_pdf')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="oc-empty">{ot('pv.br_empty')}</p>
            )
          }
        </AsyncView>
      </section>
    </div>
  );
}

function Deadline(props: { at: string }): JSX.Element {
  const hours = Math.floor((Date.parse(props.at) - Date.now()) / 3_600_000);
  return hours < 0 ? <Badge tone="red">{ot('pv.br_overdue')}</Badge> : <Badge tone={hours < 24 ? 'amber' : 'blue'}>{ot('pv.br_left', { hours })}</Badge>;
}

function BreachForm(props: { onOpened: (b: Breach) => Promise<void> }): JSX.Element {
  const [devices] = useAsync(() => getJson<Page<Device>>('/api/devices?page=1&page_size=200'), []);
  const [description, setDescription] = useState('');
  const [foundAt, setFoundAt] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [accounts, setAccounts] = useState('');
  const [measures, setMeasures] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    const found = parseDayTime(foundAt, true);
    const start = parseDayTime(from, true);
    const end = parseDayTime(to, true);
    const names = accounts
      .normalize('NFC')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!description.trim()) return setProblem(ot('pv.br_need_description'));
    if (!found || !start || !end) return setProblem(ot('pv.br_bad_time'));
    if (found.getTime() > Date.now() + 60_000) return setProblem(ot('pv.br_future'));
    if (start > end) return setProblem(ot('pv.br_window'));
    if (!picked.length && !names.length) return setProblem(ot('pv.br_nothing'));
    setBusy(true);
    try {
      const ids = await accountIds(names);
      const unknown = names.find((n) => !ids.has(n));
      if (unknown) {
        setProblem(ot('pv.br_unknown_account', { name: unknown }));
        return;
      }
      setProblem(undefined);
      const b = await openBreach({
        description: description.normalize('NFC').trim(),
        found_at: found.toISOString(),
        window_from: start.toISOString(),
        window_to: end.toISOString(),
        device_ids: picked,
        actor_ids: names.map((n) => ids.get(n)!),
        measures: measures.normalize('NFC').trim(),
      });
      setDescription('');
      setPicked([]);
      setAccounts('');
      setMeasures('');
      await props.onOpened(b);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const field = (label: string, name: string, value: string, set: (v: string) => void): JSX.Element => (
    <label class="oc-field">
      <span>{label}</span>
      <input name={name} inputMode="numeric" placeholder="dd/mm/yyyy hh:mm" value={value} onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} />
    </label>
  );
  return (
    <form class="oc-card oc-stack" onSubmit={submit} noValidate aria-labelledby="oc-pv-br-open">
      <h2 id="oc-pv-br-open">{ot('pv.br_open')}</h2>
      <label class="oc-field">
        <span>{ot('pv.br_description')}</span>
        <textarea name="description" rows={3} maxLength={4000} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      <div class="oc-row">
        {field(ot('pv.br_found_at'), 'found_at', foundAt, setFoundAt)}
        {field(ot('pv.br_from'), 'window_from', from, setFrom)}
        {field(ot('pv.br_to'), 'window_to', to, setTo)}
      </div>
      <fieldset class="oc-checks">
        <legend>{ot('pv.br_devices')}</legend>
        <AsyncView value={devices}>
          {(page) => (
            <>
              {page.items.map((d) => (
                <label key={d.id} class="oc-check">
                  <input
                    type="checkbox"
                    name="device"
                    value={d.id}
                    checked={picked.includes(d.id)}
                    onChange={(e) => {
                      const on = (e.currentTarget as HTMLInputElement).checked;
                      setPicked(on ? [...picked, d.id] : picked.filter((x) => x !== d.id));
                    }}
                  />{' '}
                  {d.label || d.id.slice(0, 8)} {d.revoked_at ? `(${ot('dev.revoked')})` : ''}
                </label>
              ))}
            </>
          )}
        </AsyncView>
      </fieldset>
      <label class="oc-field">
        <span>{ot('pv.br_accounts')}</span>
        <input name="accounts" autoComplete="off" value={accounts} onInput={(e) => setAccounts((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="oc-field">
        <span>{ot('pv.br_measures')}</span>
        <textarea name="measures" rows={2} maxLength={4000} value={measures} onInput={(e) => setMeasures((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      <FormErrors problem={problem} error={error} />
      <div>
        <button type="submit" class="oc-btn oc-btn--primary" disabled={busy}>
          {busy ? ot('common.sending') : ot('pv.br_submit')}
        </button>
      </div>
    </form>
  );
}
