// Public verification page (/v#LSR1.…): checks a result's QR record IN THE BROWSER with the
// commune's published Ed25519 key (WebCrypto), so it works with only this page and the key
// list cached (v-sw.js) and the record, after '#', never reaches a server log.
// Record format: sync/SPEC-records.md RES1–RES5 (sync/result_record.py); run against the same
// vectors as the core by pwa/tests/verify-page-vectors.test.ts.
'use strict';

const OUTCOMES = { a: ['approved', 'Chấp thuận', 'Approved'], r: ['rejected', 'Từ chối giải quyết', 'Rejected'] };
const KEYS_URL = '/v/keys.json';
const STORE = 'langso.verify.keys';

function b64uDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('b64u');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  // Strict like the core (SIG3): one encoding per byte string, no stray trailing bits.
  const again = btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (again !== text) throw new Error('b64u');
  return bytes;
}
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function uuidOf(bytes) {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Strict UTF-8 text of a base64url part (v2's initials and procedure name). */
function textOf(part) {
  return new TextDecoder('utf-8', { fatal: true }).decode(b64uDecode(part));
}

const MAX_MS = 253402300799999;
const WHOLE = { 1: 9, 2: 12 };

/** {record, sig, letter} from the fragment, or null when it is not a well-formed LSR1/LSR2 text
 * (sync/SPEC-records.md RES3; the same vectors as sync/result_record.py run against this). */
export function parseCompact(raw) {
  let text;
  try {
    text = decodeURIComponent(raw).trim();
  } catch {
    return null;
  }
  if (text.includes('#')) text = text.slice(text.indexOf('#') + 1);
  const version = text.startsWith('LSR1.') ? 1 : text.startsWith('LSR2.') ? 2 : 0;
  if (!version) return null;
  const parts = [];
  let rest = text;
  for (let i = 0; i < WHOLE[version] - 1; i += 1) {
    const dot = rest.indexOf('.');
    if (dot < 0) return null;
    parts.push(rest.slice(0, dot));
    rest = rest.slice(dot + 1);
  }
  parts.push(rest);
  const [, commune, did, ms, kid, letter, digest, sig] = parts;
  const code = parts[parts.length - 1];
  if (!/^[0-9A-Za-z_-]{1,16}$/.test(commune) || !/^[0-9]{1,15}$/.test(ms) || Number(ms) > MAX_MS) return null;
  if (!/^[0-9a-f]{16}$/.test(kid) || !(letter in OUTCOMES) || !/^[0-9A-Za-z.-]{1,48}$/.test(code)) return null;
  let didBytes;
  let hash;
  const extra = {};
  try {
    didBytes = b64uDecode(did);
    hash = b64uDecode(digest);
    b64uDecode(sig);
    if (version === 2) {
      extra.procedure_code = parts[8];
      extra.holder_initials = textOf(parts[9]);
      extra.procedure_name = textOf(parts[10]);
    }
  } catch {
    return null;
  }
  if (didBytes.length !== 16 || hash.length !== 32) return null;
  if (version === 2) {
    const n = extra.procedure_name;
    if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(extra.procedure_code)) return null;
    if ([...extra.holder_initials].length > 24 || extra.holder_initials.normalize('NFC') !== extra.holder_initials) return null;
    if (!n || [...n].length > 120 || n.normalize('NFC') !== n) return null;
  }
  const record = {
    commune_id: commune,
    dossier_id: uuidOf(didBytes),
    issued_at: new Date(Number(ms)).toISOString(),
    key_id: kid,
    official_code: code,
    outcome: OUTCOMES[letter][0],
    result_sha256: hex(hash),
    ...extra,
    v: version,
  };
  return { record, sig, letter };
}

/** RFC 8785 canonical text of the record: keys sorted (all ASCII), strings as JSON.stringify
 * writes them (RFC 8785's escaping), `v` an integer. */
function canonical(record) {
  return '{' + Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(record[k])}`).join(',') + '}';
}

async function keyIdOf(raw) {
  const bytes = new Uint8Array([...new TextEncoder().encode('Ed25519:'), ...raw]);
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))).slice(0, 16);
}

async function loadKeys() {
  try {
    const r = await fetch(KEYS_URL, { cache: 'no-cache' });
    if (r.ok) {
      const body = await r.json();
      try { localStorage.setItem(STORE, JSON.stringify(body)); } catch { /* private mode */ }
      return body;
    }
  } catch { /* offline: fall back to the last copy */ }
  try { return JSON.parse(localStorage.getItem(STORE) || 'null'); } catch { return null; }
}

/** 'valid' | 'altered' | 'unknown_key' | 'malformed' | 'no_keys', with the key entry. */
export async function check(fragment, keys) {
  const parsed = parseCompact(fragment);
  if (!parsed) return { verdict: 'malformed' };
  if (!keys || !Array.isArray(keys.keys)) return { verdict: 'no_keys', parsed };
  const entry = keys.keys.find((k) => k.key_id === parsed.record.key_id && k.commune_id === parsed.record.commune_id);
  if (!entry) return { verdict: 'unknown_key', parsed };
  let raw;
  let sig;
  try {
    raw = b64uDecode(entry.public_key);
    sig = b64uDecode(parsed.sig);
  } catch {
    return { verdict: 'unknown_key', parsed };
  }
  if ((await keyIdOf(raw)) !== entry.key_id) return { verdict: 'unknown_key', parsed };
  if (entry.revoked_at) return { verdict: 'revoked', parsed, entry };
  let ok = false;
  try {
    const key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    ok = sig.length === 64 && (await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, new TextEncoder().encode(canonical(parsed.record))));
  } catch {
    return { verdict: 'no_crypto', parsed, entry };
  }
  return { verdict: ok ? 'valid' : 'altered', parsed, entry };
}

const TEXT = {
  valid: ['ok', 'HỢP LỆ', 'Valid: issued by the commune and unchanged.', 'Văn bản do UBND xã cấp và chưa bị thay đổi.'],
  altered: ['bad', 'ĐÃ BỊ THAY ĐỔI — KHÔNG HỢP LỆ', 'Altered: the signature does not match. Do not accept this paper.', 'Chữ ký không khớp: nội dung đã bị sửa hoặc giả mạo. Không chấp nhận văn bản này.'],
  revoked: ['bad', 'ĐÃ BỊ THU HỒI', 'Revoked: the commune no longer vouches for this result.', 'Xã đã thu hồi hoặc không còn ghi nhận kết quả này.'],
  unknown_key: ['bad', 'KHÔNG XÁC ĐỊNH ĐƯỢC', 'Unknown signing key: not a key any commune published.', 'Khoá ký không phải khoá của xã nào đã công bố.'],
  malformed: ['bad', 'MÃ KHÔNG ĐÚNG ĐỊNH DẠNG', 'Not a Làng Số result code.', 'Đây không phải mã kết quả Làng Số.'],
  no_keys: ['warn', 'CHƯA KIỂM TRA ĐƯỢC', 'The commune keys are not on this phone yet: open this page once with a connection.', 'Máy chưa có khoá công khai của xã: mở trang này một lần khi có mạng.'],
  no_crypto: ['warn', 'CHƯA KIỂM TRA ĐƯỢC', 'This browser cannot check Ed25519 signatures; use /verify instead.', 'Trình duyệt này không kiểm tra được chữ ký; hãy dùng trang /verify.'],
};


function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function render(out, result, register) {
  let verdict = result.verdict;
  if (verdict === 'valid' && register && register.code === 'not_registered') verdict = 'revoked';
  const [cls, head, en, vi] = TEXT[verdict];
  const facts = el('dl', { class: 'facts' });
  const add = (label, value) => { if (value) facts.append(el('dt', {}, label), el('dd', {}, value)); };
  if (result.parsed && (verdict === 'valid' || verdict === 'revoked')) {
    const r = result.parsed.record;
    const day = new Date(r.issued_at).toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
    add('Mã hồ sơ / Dossier code', r.official_code);
    // v2 carries both, signed, so they show with no server; a v1 record needs the register.
    const holder = r.v === 2 ? r.holder_initials : register && register.holder_initials;
    const procedure = r.v === 2 ? r.procedure_name : register && register.procedure_name;
    if (holder) add('Người được cấp (viết tắt) / Holder', holder);
    if (procedure) add('Thủ tục / Procedure', procedure);
    if (register && register.document_kind) add('Văn bản / Document', register.document_kind);
    add('Ngày cấp / Issued on', day);
    add('Cơ quan cấp / Issued by', result.entry && result.entry.commune_name ? `UBND xã ${result.entry.commune_name}` : r.commune_id);
    add('Kết quả / Outcome', `${OUTCOMES[result.parsed.letter][1]} (${OUTCOMES[result.parsed.letter][2]})`);
  }
  const box = el('section', { class: cls, role: 'status', 'data-verdict': verdict },
    el('p', { class: 'verdict' }, head), el('p', {}, vi), el('p', {}, el('small', {}, en)), facts);
  out.replaceChildren(box);
}

async function registerCheck(fragment) {
  try {
    const r = await fetch('/api/public/verify', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ qr: decodeURIComponent(fragment) }),
    });
    return r.ok ? await r.json() : null;
  } catch {
    return null; // offline: the signature check stands alone
  }
}

// A link opened in a tab already showing /v changes only the fragment: the previous verdict
// must go at once, and a slower check of the previous record (its register answer) must never
// paint over the new one — only the latest run renders.
let latestRun = 0;

async function main() {
  const run = ++latestRun;
  const out = document.getElementById('answer');
  const fragment = location.hash.slice(1);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/v-sw.js', { scope: '/v' }).catch(() => undefined);
  }
  if (!out) return;
  out.replaceChildren(el('p', { class: 'muted' }, 'Đang kiểm tra chữ ký… / Checking the signature…'));
  if (!fragment) return;
  const keys = await loadKeys();
  const result = await check(fragment, keys);
  if (run !== latestRun) return;
  render(out, result, null);
  if (result.verdict === 'valid') {
    const register = await registerCheck(fragment);
    if (register && run === latestRun) render(out, result, register);
  }
}

// Imported by the vector tests (pwa/tests) outside a browser: only a page runs main().
if (typeof window !== 'undefined' && typeof document !== 'undefined') {
  window.addEventListener('hashchange', () => void main());
  void main();
}
