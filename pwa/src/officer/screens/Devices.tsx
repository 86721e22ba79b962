/**
 * Devices of the commune: list, issue a one-time enrolment ticket for a volunteer (code shown big
 * and as a QR of the server's payload), revoke with a reason, or mark a phone lost (the
 * revocation carries a wipe order: the phone destroys its keys and data at its next contact). A revoked device's pushes are refused;
 * what it signed before stays verifiable.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getJson, sendJson } from '../../api/http';
import { fmtDateTime } from '../format';
import { ot } from '../i18n';
import { QrCode } from '../qr';
import type { Dashboard, Device, Page, Ticket } from '../types';
import { AsyncView, Badge, ErrorBox, useAsync } from '../ui';
import { ConfirmDialog } from './dialogs';

interface DeviceList {
  page: Page<Device>;
  names: Map<string, string>;
}

/** The device list names each device's owner (backend/devices; older servers send ids only) and
 * says whether a wipe was ordered (a lost phone) and done. */
type NamedDevice = Device & { username?: string; full_name?: string; wipe_ordered_at?: string | null; wiped_at?: string | null };

/** A volunteer of the commune as GET /api/users?role=volunteer lists them. */
interface VolunteerItem {
  id: string;
  username: string;
  full_name: string;
  village_ids: string[];
}

const PAGE_SIZE = 50;

async function loadDevices(page: number): Promise<DeviceList> {
  const [list, board] = await Promise.all([
    getJson<Page<Device>>(`/api/devices?page=${page}&page_size=${PAGE_SIZE}`),
    // The device list carries user ids only; names come from the dashboard's sync-health rows.
    getJson<Dashboard>('/api/monitoring/dashboard').catch(() => undefined),
  ]);
  const names = new Map<string, string>();
  for (const item of board?.sync_health.items ?? []) names.set(item.user_id, item.volunteer_name);
  for (const v of board?.by_volunteer ?? []) names.set(v.volunteer_id, v.name);
  for (const d of list.items as NamedDevice[]) if (d.full_name) names.set(d.user_id, d.full_name);
  return { page: list, names };
}

export function DevicesScreen(): JSX.Element {
  const [pageNo, setPageNo] = useState(1);
  const [data, reload] = useAsync(() => loadDevices(pageNo), [pageNo]);
  const [revoking, setRevoking] = useState<Device | undefined>();
  const [losing, setLosing] = useState<Device | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  return (
    <section aria-labelledby="oc-dev-title">
      <h1 id="oc-dev-title" tabIndex={-1}>
        {ot('dev.title')}
      </h1>
      <TicketForm />
      {message ? (
        <p class="oc-success" role="status">
          {message}
        </p>
      ) : null}
      <AsyncView value={data}>
        {({ page, names }) =>
          page.items.length ? (
            <div class="oc-table-wrap">
              <table class="oc-table">
                <caption>{ot('dev.caption', { total: page.total })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{ot('dev.label')}</th>
                    <th scope="col">{ot('col.volunteer')}</th>
                    <th scope="col">{ot('dev.key')}</th>
                    <th scope="col">{ot('dev.enrolled')}</th>
                    <th scope="col">{ot('dev.last_push')}</th>
                    <th scope="col">{ot('dev.state')}</th>
                    <th scope="col">
                      <span class="oc-sr">{ot('dev.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {(page.items as NamedDevice[]).map((d) => (
                    <tr key={d.id} class={d.revoked_at ? 'oc-row--muted' : ''}>
                      <td>{d.label || d.id.slice(0, 8)}</td>
                      <td>{names.get(d.user_id) ?? <span class="oc-mono">{d.user_id.slice(0, 8)}</span>}</td>
                      <td class="oc-mono">
                        {d.alg} · {d.key_id}
                      </td>
                      <td>
                        {fmtDateTime(d.created_at)} · {ot(d.enrolled_via === 'ticket' ? 'dev.via_ticket' : 'dev.via_session')}
                      </td>
                      <td>{fmtDateTime(d.last_push_at)}</td>
                      <td>
                        {d.revoked_at ? (
                          <>
                            <Badge tone="red">{ot('dev.revoked')}</Badge> {fmtDateTime(d.revoked_at)}
                            {d.revoke_reason ? <div class="oc-muted">{d.revoke_reason}</div> : null}
                            {d.wiped_at ? (
                              <div>
                                <Badge tone="grey">{ot('dev.wiped', { at: fmtDateTime(d.wiped_at) })}</Badge>
                              </div>
                            ) : d.wipe_ordered_at ? (
                              <div>
                                <Badge tone="amber">{ot('dev.wipe_ordered', { at: fmtDateTime(d.wipe_ordered_at) })}</Badge>
                              </div>
                            ) : null}
                          </>
                        ) : (
                          <Badge tone="green">{ot('dev.active')}</Badge>
                        )}
                      </td>
                      <td class="oc-nowrap">
                        {d.revoked_at ? null : (
                          <button type="button" class="oc-btn oc-btn--danger-outline" onClick={() => setRevoking(d)}>
                            {ot('dev.revoke')}
                          </button>
                        )}{' '}
                        {d.wipe_ordered_at ? null : (
                          <button type="button" class="oc-btn oc-btn--danger" onClick={() => setLosing(d)}>
                            {ot('dev.mark_lost')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.total > PAGE_SIZE ? (
                <nav class="oc-pager" aria-label={ot('queue.pagination')}>
                  <button type="button" class="oc-btn" disabled={pageNo <= 1} onClick={() => setPageNo(pageNo - 1)}>
                    ← {ot('queue.prev')}
                  </button>
                  <button type="button" class="oc-btn" disabled={pageNo * PAGE_SIZE >= page.total} onClick={() => setPageNo(pageNo + 1)}>
                    {ot('queue.next')} →
                  </button>
                </nav>
              ) : null}
            </div>
          ) : (
            <p class="oc-empty">{ot('dev.empty')}</p>
          )
        }
      </AsyncView>
      {revoking ? (
        <ConfirmDialog
          title={ot('dev.revoke_title')}
          message={ot('dev.revoke_confirm', { label: revoking.label || revoking.id.slice(0, 8) })}
          confirmLabel={ot('dev.revoke')}
          reason="required"
          danger
          onConfirm={async (reason) => {
            await sendJson(`/api/devices/${encodeURIComponent(revoking.id)}/revoke`, { reason });
            setRevoking(undefined);
            setMessage(ot('dev.revoked_done'));
            await reload();
          }}
          onClose={() => setRevoking(undefined)}
        />
      ) : null}
      {losing ? (
        <ConfirmDialog
          title={ot('dev.mark_lost_title')}
          message={ot('dev.mark_lost_confirm', { label: losing.label || losing.id.slice(0, 8) })}
          confirmLabel={ot('dev.mark_lost')}
          reason="required"
          danger
          onConfirm={async (reason) => {
            // A revocation carrying the wipe order (also on an already revoked device).
            await sendJson(`/api/devices/${encodeURIComponent(losing.id)}/revoke`, { reason, wipe: true });
            setLosing(undefined);
            setMessage(ot('dev.mark_lost_done'));
            await reload();
          }}
          onClose={() => setLosing(undefined)}
        />
      ) : null}
    </section>
  );
}

function TicketForm(): JSX.Element {
  const [username, setUsername] = useState('');
  // Pick from the commune's volunteers; typing the username stays possible if the list fails.
  const [volunteers] = useAsync(() => getJson<Page<VolunteerItem>>('/api/users?role=volunteer&page_size=200'), []);
  const choices = volunteers.state === 'ready' && volunteers.value.items.length ? volunteers.value.items : undefined;
  const [ticket, setTicket] = useState<Ticket | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!username.trim()) return;
    setBusy(true);
    setError(undefined);
    setTicket(undefined);
    try {
      setTicket(await sendJson<Ticket>('/api/devices/tickets', { volunteer_username: username.normalize('NFC').trim() }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="oc-card" aria-labelledby="oc-ticket">
      <h2 id="oc-ticket">{ot('dev.ticket_title')}</h2>
      <p class="oc-muted">{ot('dev.ticket_explain')}</p>
      <form class="oc-row" onSubmit={submit}>
        <label class="oc-field">
          <span>{ot('dev.username')}</span>
          {choices ? (
            <select name="volunteer_username" value={username} onChange={(e) => setUsername((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">—</option>
              {choices.map((v) => (
                <option key={v.id} value={v.username}>
                  {v.full_name} ({v.username})
                </option>
              ))}
            </select>
          ) : (
            <input type="text" name="volunteer_username" autoComplete="off" autoCapitalize="none" spellcheck={false} value={username} onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} />
          )}
        </label>
        <button type="submit" class="oc-btn oc-btn--primary" disabled={busy || !username.trim()}>
          {busy ? ot('common.sending') : ot('dev.issue')}
        </button>
      </form>
      <ErrorBox error={error} />
      {ticket ? (
        <div class="oc-ticket" role="status">
          <div>
            <p>{ot('dev.ticket_for', { username: ticket.volunteer_username })}</p>
            <p class="oc-ticket__code" aria-label={ot('dev.ticket_code')}>
              {ticket.ticket}
            </p>
            <p>{ot('dev.ticket_expires', { at: fmtDateTime(ticket.expires_at) })}</p>
            <p class="oc-muted">{ot('dev.ticket_once')}</p>
          </div>
          <QrCode text={ticket.qr} label={ot('dev.ticket_qr', { code: ticket.ticket })} />
        </div>
      ) : null}
    </section>
  );
}
