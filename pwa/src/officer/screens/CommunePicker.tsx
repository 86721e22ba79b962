/**
 * The commune an admin acts for, on pages an officer uses for their own commune (CSV import,
 * the result signer): the list of communes, fetched only for an admin, and its select.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../../api/http';
import { ot } from '../i18n';
import type { Commune } from '../types';

export function useCommunes(admin: boolean, onError: (error: unknown) => void = () => undefined): Commune[] {
  const [communes, setCommunes] = useState<Commune[]>([]);
  useEffect(() => {
    if (admin) void getJson<Commune[]>('/api/units/communes').then(setCommunes, onError);
  }, [admin]);
  return communes;
}

export function CommuneSelect(props: { communes: Commune[]; value: string; onChange: (id: string) => void }): JSX.Element {
  return (
    <label class="oc-field">
      <span>{ot('import.commune')}</span>
      <select value={props.value} required onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">—</option>
        {props.communes.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
