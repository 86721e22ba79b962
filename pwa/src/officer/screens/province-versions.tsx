/**
 * Catalogue versions of a province: which published version of each procedure its communes
 * file with. The province administrator chooses (or goes back to "the newest"); a monitor
 * sees the choice. Phones pick the choice up with the catalogue at their next sync; a dossier
 * keeps the version it was filed with (backend/province/catalogue.py).
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getJson, sendJson } from '../../api/http';
import { errorText } from '../http-ui';
import { ot } from '../i18n';
import { AsyncView, useAsync } from '../ui';

export interface ProcedureVersions {
  code: string;
  name: string;
  versions: number[];
  latest: number;
  pinned: number | null;
  effective: number;
}

export function ProvinceVersions(props: { provinceId: string; canChoose: boolean }): JSX.Element {
  const base = `/api/province/${encodeURIComponent(props.provinceId)}/procedures`;
  const [rows, reload] = useAsync(() => getJson<ProcedureVersions[]>(base), [base]);
  const [message, setMessage] = useState('');

  const choose = async (code: string, raw: string): Promise<void> => {
    const version = raw === '' ? null : Number(raw);
    try {
      const row = await sendJson<ProcedureVersions>(`${base}/${encodeURIComponent(code)}`, { version }, 'PUT');
      setMessage(ot('prov.version_saved', { name: row.name, version: String(row.effective) }));
    } catch (error) {
      setMessage(errorText(error));
    }
    await reload();
  };

  return (
    <section aria-labelledby="prov-versions-h">
      <h2 id="prov-versions-h">{ot('prov.versions')}</h2>
      <p class="oc-muted">{ot('prov.versions_help')}</p>
      <AsyncView value={rows}>
        {(list) => (
          <div class="oc-scroll">
            <table class="oc-table">
              <thead>
                <tr>
                  <th scope="col">{ot('prov.procedure')}</th>
                  <th scope="col">{ot('prov.version_in_use')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={p.code}>
                    <td>{p.name}</td>
                    <td data-testid={`version-${p.code}`}>
                      {props.canChoose ? (
                        <select
                          aria-label={ot('prov.version_of', { name: p.name })}
                          value={p.pinned === null ? '' : String(p.pinned)}
                          onChange={(e) => void choose(p.code, (e.target as HTMLSelectElement).value)}
                        >
                          <option value="">{ot('prov.version_latest', { version: String(p.latest) })}</option>
                          {p.versions.map((v) => (
                            <option key={v} value={String(v)}>
                              {ot('prov.version_n', { version: String(v) })}
                            </option>
                          ))}
                        </select>
                      ) : (
                        ot(p.pinned === null ? 'prov.version_latest' : 'prov.version_n', { version: String(p.effective) })
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncView>
      <p role="status" data-testid="version-status">
        {message}
      </p>
    </section>
  );
}
