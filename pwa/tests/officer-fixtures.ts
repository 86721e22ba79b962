/** Server answers shaped like docs/review-api.md and docs/monitoring-and-push.md. */
import type { Dashboard, DossierView, QueueItem, QueuePage } from '../src/officer/types';

export const FLAGS = { overdue: false, due_soon: false, has_conflict: false, possible_duplicate: false, signature_valid: true, attachments_complete: true };

export function item(id: string, patch: Partial<QueueItem> = {}): QueueItem {
  return {
    id,
    code: `CODE-${id}`,
    official_code: null,
    procedure_code: 'khai-sinh',
    procedure_name: 'Đăng ký khai sinh',
    applicant_name: 'Vàng Thị Dính',
    village_id: 'v1',
    village_name: 'Bản Nậm Khăn',
    volunteer_id: 'u1',
    volunteer_name: 'Giàng A Chứ',
    status: 'submitted',
    status_label_vi: 'Đã nộp, chờ tiếp nhận',
    received_at: null,
    due_date: null,
    submitted_at: '2026-03-02T02:58:00Z',
    flags: { ...FLAGS },
    version: 2,
    ...patch,
  };
}

export function queuePage(items: QueueItem[], total = items.length): QueuePage {
  return { items, total, page: 1, page_size: 25, today: '2026-03-02' };
}

export const VILLAGES = [{ id: 'v1', name: 'Bản Nậm Khăn', commune_id: 'c1' }];
export const PROCEDURES = [{ code: 'khai-sinh', version: 1, name: { vi: 'Đăng ký khai sinh', en: 'Birth registration' } }];

const figures = {
  by_status: { draft: 0, submitted: 3, received: 0, not_received: 1, processing: 2, supplement_requested: 1, done: 4, result_returned: 0, withdrawn: 0, stopped: 0 },
  on_time: { finished: 4, before: 2, on: 1, after: 1, open_overdue: 2, rate: 0.75 },
  fill_time: { count: 10, median_seconds: 240, within_target: 8, target_seconds: 300, meets_target: true },
  prefill: { dossiers: 10, prefilled_fields: 25, total_fields: 90, share: 0.2778, target: 0.5, meets_target: false, source: 'computed', saved_back: { members_added: 0, members_confirmed: 0 } },
  satisfaction: { source: 'citizen', ratings: 4, very_satisfied: 3, satisfied: 1, not_satisfied: 0, rate: 1, target: 0.95, meets_target: true, by_channel: { device: 4, web: 0 } },
  satisfaction_volunteer: { source: 'volunteer', ratings: 0, very_satisfied: 0, satisfied: 0, not_satisfied: 0, rate: null },
};

export const DASHBOARD: Dashboard = {
  scope: { commune_id: 'c1', village_id: null, volunteer_id: null, from: null, to: null },
  generated_at: '2026-03-02T03:00:00Z',
  totals: { ...figures, dossiers: 11 },
  by_village: [{ ...figures, village_id: 'v1', name: 'Bản Nậm Khăn', dossiers: 11 }],
  by_volunteer: [{ ...figures, volunteer_id: 'u1', name: 'Giàng A Chứ', dossiers: 11 }],
  sync_health: {
    devices: 3,
    devices_with_pending: 1,
    devices_never_reported: 1,
    pending_total: 7,
    oldest_pending_at: '2026-03-01T03:00:00Z',
    oldest_pending_age_seconds: 86_400 * 2,
    items: [
      { device_id: 'd1', label: 'Điện thoại Chứ', user_id: 'u1', volunteer_name: 'Giàng A Chứ', pending: 7, oldest_pending_at: '2026-03-01T03:00:00Z', oldest_pending_age_seconds: 172_800, reported_at: '2026-03-02T02:00:00Z', last_push_at: '2026-03-02T02:00:00Z' },
    ],
  },
};

export function view(patch: Partial<DossierView> = {}): DossierView {
  return {
    dossier: {
      id: 'd-1',
      code: 'XTYT-F59A-X',
      official_code: null,
      receipt_code: 'XTYT-F59A-X',
      status: 'processing',
      status_label_vi: 'Đang xử lý',
      outcome: null,
      received_at: '2026-03-02T03:00:00Z',
      due_date: '2026-03-03',
      created_at: '2026-03-02T02:58:00Z',
      updated_at: '2026-03-02T03:00:00Z',
      version: 5,
      commune_id: 'c1',
      procedure_version: 1,
    },
    procedure: { code: 'khai-sinh', version: 1, name_vi: 'Đăng ký khai sinh', name_en: 'Birth registration', processing_days: 1 },
    applicant: { id: 'm1', full_name: 'Vàng Thị Dính', date_of_birth: '1993-05-12', sex: 'female', cccd: '012193123456', phone: null, relationship: 'vo', ethnicity: 'Mông' },
    household: { id: 'h1', address: 'Bản Nậm Khăn' },
    village: { id: 'v1', name: 'Bản Nậm Khăn' },
    volunteer: { id: 'u1', name: 'Giàng A Chứ' },
    flags: { ...FLAGS, attachments_complete: false },
    form: [
      { key: 'child_full_name', label_vi: 'Họ, chữ đệm và tên của trẻ', label_en: "Child's full name", type: 'text', required: true, value: 'Giàng A Lử', display: 'Giàng A Lử' },
      { key: 'mother_full_name', label_vi: 'Họ, chữ đệm và tên của mẹ', label_en: "Mother's full name", type: 'text', required: true, value: 'Vàng Thị Dính', display: 'Vàng Thị Dính' },
    ],
    components: [
      {
        code: 'giay-chung-sinh',
        name_vi: 'Giấy chứng sinh',
        name_en: 'Birth certificate',
        required: true,
        min_count: 1,
        complete: false,
        missing_count: 1,
        attachments: [{ sha256: 'a'.repeat(64), present: false, content_type: null, size: null, width: null, height: null, url: `/api/attachments/${'a'.repeat(64)}` }],
      },
      { code: 'van-ban-uy-quyen', name_vi: 'Văn bản ủy quyền', name_en: 'Power of attorney', required: false, min_count: 0, complete: true, missing_count: 0, attachments: [] },
    ],
    consent: null,
    signature: {
      valid: true,
      code: 'valid',
      message_vi: 'Chữ ký hợp lệ: nội dung đúng như thiết bị đã ký.',
      message_en: 'Valid',
      revision: 'r1',
      device_id: 'dev1',
      alg: 'Ed25519',
      key_id: 'k1',
      signed_at: '2026-03-02T02:57:00Z',
      received_at: '2026-03-02T02:58:00Z',
      device_label: 'Điện thoại Chứ',
      device_revoked_at: null,
      volunteer_id: 'u1',
      volunteer_name: 'Giàng A Chứ',
      matches_current_data: true,
    },
    revisions: [],
    conflicts: [],
    amendments: [],
    supplement_requests: [],
    result: null,
    audit: [],
    duplicates: [],
    allowed_actions: ['request_supplement', 'approve', 'reject', 'stop', 'apologise'],
    documents: [],
    ...patch,
  };
}

/** One enrolled, live phone (the devices page and the "mark lost" action). */
export const DEVICE = {
  id: 'd1',
  user_id: 'u1',
  commune_id: 'c1',
  alg: 'Ed25519',
  key_id: 'k1',
  label: 'Điện thoại Chứ',
  enrolled_via: 'session',
  last_n: 3,
  created_at: '2026-03-01T00:00:00Z',
  last_push_at: null,
  revoked_at: null,
  revoke_reason: '',
};
