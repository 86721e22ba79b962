/**
 * Retention: the periods the server keeps personal data (settings, docs/privacy.md), what is due
 * now, the worker's last daily purge, and (admins) a purge on demand.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { fmtDateTime } from '../format';
import { ot } from '../i18n';
import { purgeNow, retention } from '../privacy-api';
import { AsyncView, useAsync } from '../ui';
import { ConfirmDialog } from './dialogs';

export function RetentionView(props: { admin: boolean }): JSX.Element {
  const [data, reload] = useAsync(retention, []);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  return (
    <AsyncView value={data}>
      {(r) => (
        <div class="oc-stack">
          <section class="oc-card" aria-labelledby="oc-pv-ret">
            <h2 id="oc-pv-ret">{ot('pv.ret_settings')}</h2>
            <table class="oc-table oc-table--kv" data-testid="pv-retention">
              <tbody>
                <tr>
                  <th scope="row">{ot('pv.ret_closed')}</th>
                  <td>{ot('pv.ret_days', { days: r.closed_dossier_days })}</td>
                </tr>
                <tr>
                  <th scope="row">{ot('pv.ret_rejected')}</th>
                  <td>{ot('pv.ret_days', { days: r.rejected_dossier_days })}</td>
                </tr>
                <tr>
                  <th scope="row">{ot('pv.ret_log')}</th>
                  <td>{ot('pv.ret_days', { days: r.access_log_days })}</td>
                </tr>
                <tr>
                  <th scope="row">{ot('pv.ret_device')}</th>
                  <td>{ot('pv.ret_days', { days: r.device_closed_dossier_days })}</td>
                </tr>
              </tbody>
            </table>
          </section>
          <section class="oc-card" aria-labelledby="oc-pv-due">
            <h2 id="oc-pv-due">{ot('pv.ret_due')}</h2>
            <ul>
              <li>{ot('pv.ret_due_dossiers', { count: r.due_dossiers })}</li>
              <li>{ot('pv.ret_due_log', { count: r.due_access_log })}</li>
              <li>{ot('pv.ret_waiting', { count: r.waiting_erasures })}</li>
            </ul>
            <p>{r.last_run_at ? ot('pv.ret_last_run', { at: fmtDateTime(r.last_run_at), result: r.last_result }) : ot('pv.ret_never')}</p>
            {r.next_run_at ? <p class="oc-muted">{ot('pv.ret_next', { at: fmtDateTime(r.next_run_at) })}</p> : null}
            {message ? (
              <p class="oc-success" role="status">
                {message}
              </p>
            ) : null}
            {props.admin ? (
              <button type="button" class="oc-btn oc-btn--danger-outline" onClick={() => setConfirming(true)}>
                {ot('pv.ret_run')}
              </button>
            ) : (
              <p class="oc-muted">{ot('pv.ret_admin_only')}</p>
            )}
          </section>
          {confirming ? (
            <ConfirmDialog
              title={ot('pv.ret_run')}
              message={ot('pv.ret_run_confirm')}
              confirmLabel={ot('pv.ret_run')}
              danger
              onConfirm={async () => {
                const done = await purgeNow();
                setConfirming(false);
                setMessage(ot('pv.ret_ran', { dossiers: done.dossiers, people: done.people, log: done.access_log }));
                await reload();
              }}
              onClose={() => setConfirming(false)}
            />
          ) : null}
        </div>
      )}
    </AsyncView>
  );
}
