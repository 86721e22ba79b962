/** Display formats for the console: Vietnam dates and times (dd/mm/yyyy), percentages, durations. */
import { getLang } from '../i18n';

const VN_TZ = 'Asia/Ho_Chi_Minh';

/** `YYYY-MM-DD` (a Vietnam date from the server) → `dd/mm/yyyy`; anything else unchanged. */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

let timeFormat: Intl.DateTimeFormat | undefined;

/** RFC 3339 instant → `dd/mm/yyyy HH:MM` in Vietnam time. */
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  timeFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: VN_TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(timeFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** 0.2778 → "27,8 %" (vi) / "27.8%" (en); null → "—". */
export function fmtPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const text = (Math.round(rate * 1000) / 10).toFixed(1);
  return getLang() === 'en' ? `${text}%` : `${text.replace('.', ',')} %`;
}

/** Seconds → "m:ss" (fill times are minutes). */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Age in seconds → "45 phút" / "3 giờ" / "2 ngày" (vi) or English. */
export function fmtAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const en = getLang() === 'en';
  if (seconds < 3600) {
    const m = Math.max(1, Math.round(seconds / 60));
    return en ? `${m} min` : `${m} phút`;
  }
  if (seconds < 86_400) {
    const h = Math.round(seconds / 3600);
    return en ? `${h} h` : `${h} giờ`;
  }
  const d = Math.round(seconds / 86_400);
  return en ? `${d} d` : `${d} ngày`;
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A JSON value for display (form values in diffs, conflicts, amendments). */
export function fmtValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return fmtDate(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length ? value.map(fmtValue).join(', ') : '—';
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // a consent record: who signed and when (the hash is shown elsewhere)
    if (typeof o.signer_name === 'string') return `${o.signer_name} · ${fmtDateTime(typeof o.signed_at === 'string' ? o.signed_at : null)}`;
    return Object.entries(o)
      .map(([k, v]) => `${k}: ${fmtValue(v)}`)
      .join('; ');
  }
  return String(value);
}
