/**
 * The one date format people read and type: dd/mm/yyyy, whatever the browser's language. Stored
 * and sent values stay ISO `YYYY-MM-DD` (SPEC-forms FRM8); only what is shown changes.
 */

/** `YYYY-MM-DD` → `dd/mm/yyyy`; anything else is returned unchanged (an unfinished entry). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** True for a real calendar date (no 31/04, 29/02 only in leap years). */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const at = new Date(Date.UTC(2000, month - 1, day));
  at.setUTCFullYear(year);
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}

/**
 * Typed text → ISO date, or undefined when it is not a complete real date. Accepts `d/m/yyyy` with
 * `/`, `.` or `-` between the parts, and 8 digits `ddmmyyyy`.
 */
export function parseDate(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  if (!m) return undefined;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(year, month, day)) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * What the date field shows while typing: digits grouped as dd/mm/yyyy with the slashes put in for
 * the volunteer ("08121994" → "08/12/1994", "0812" → "08/12"). A slash the volunteer typed after
 * one digit closes that part ("8/" → "08/"). At most 8 digits.
 */
export function formatTyping(text: string): string {
  const parts: string[] = [];
  let current = '';
  for (const ch of text) {
    if (ch >= '0' && ch <= '9') {
      current += ch;
      const limit = parts.length < 2 ? 2 : 4;
      if (current.length === limit && parts.length < 2) {
        parts.push(current);
        current = '';
      } else if (current.length > limit) {
        current = current.slice(0, limit);
      }
    } else if ((ch === '/' || ch === '.' || ch === '-') && current.length > 0 && parts.length < 2) {
      parts.push(current.padStart(2, '0'));
      current = '';
    }
  }
  const done = parts.join('/');
  if (current) return done ? `${done}/${current}` : current;
  // Show the trailing slash only after a part the volunteer closed, so backspace can remove it.
  return done;
}

/** Whole years from `dobIso` to `todayIso` (both YYYY-MM-DD); undefined when either is malformed. */
export function ageOn(dobIso: string | undefined, todayIso: string): number | undefined {
  const a = dobIso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(dobIso) : null;
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(todayIso);
  if (!a || !b) return undefined;
  const years = Number(b[1]) - Number(a[1]);
  const beforeBirthday = `${b[2]}-${b[3]}` < `${a[2]}-${a[3]}`;
  return years - (beforeBirthday ? 1 : 0);
}
