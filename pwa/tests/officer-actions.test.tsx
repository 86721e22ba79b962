import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionBody, reasonRequired } from '../src/officer/actions';
import { ActionDialog, ApologyDialog, ResultDialog } from '../src/officer/screens/dialogs';
import { DossierScreen } from '../src/officer/screens/Dossier';
import { button, click, mockFetch, mount, resetMocks, settle, submit, typeInto } from './officer-helpers';
import { view } from './officer-fixtures';

const ACTION_URL = '/api/review/dossiers/d-1/actions';
const DONE = { id: 'd-1', status: 'not_received', status_label_vi: 'Không tiếp nhận', official_code: null, due_date: null, version: 6, documents: [] };

afterEach(resetMocks);

describe('reasons', () => {
  it('are required exactly where the server requires them', () => {
    expect(['refuse', 'request_supplement', 'reject', 'stop', 'apologise'].every(reasonRequired)).toBe(true);
    expect(['receive', 'approve'].some(reasonRequired)).toBe(false);
  });

  it('are trimmed and NFC in the body, with the version the officer saw', () => {
    expect(actionBody('refuse', '  Thie\u0302\u0301u giấy tờ ', 5)).toEqual({ action: 'refuse', reason: 'Thiếu giấy tờ', expected_version: 5 });
    expect(actionBody('apologise', 'Cần xác minh', 5, '2026-03-12')).toEqual({ action: 'apologise', reason: 'Cần xác minh', expected_version: 5, appointment_date: '2026-03-12' });
  });
});

describe('action dialog', () => {
  it('will not refuse without a reason, then sends it', async () => {
    const calls = mockFetch({ [`POST ${ACTION_URL}`]: { json: DONE } });
    const done = vi.fn();
    const { root, unmount } = mount(<ActionDialog view={view({ allowed_actions: ['receive', 'refuse'] })} action="refuse" onDone={done} onClose={() => undefined} />);
    const confirm = button(document.body, 'Xác nhận');
    expect(root.querySelector('[role=dialog]')!.getAttribute('aria-modal')).toBe('true');
    expect(confirm.disabled).toBe(true);
    expect(root.textContent).toContain('Cần ghi lý do trước khi xác nhận.');
    await typeInto(root.querySelector('textarea[name=reason]')!, '   ');
    expect(confirm.disabled).toBe(true);
    await submit(root.querySelector('form')!);
    expect(calls).toHaveLength(0);

    await typeInto(root.querySelector('textarea[name=reason]')!, 'Hồ sơ không thuộc thẩm quyền của xã');
    expect(confirm.disabled).toBe(false);
    await submit(root.querySelector('form')!);
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.url).toBe(ACTION_URL);
    expect(calls[0]!.body).toEqual({ action: 'refuse', reason: 'Hồ sơ không thuộc thẩm quyền của xã', expected_version: 5 });
    expect(done).toHaveBeenCalledWith(DONE);
    unmount();
  });

  it('receives without a reason', async () => {
    const calls = mockFetch({ [`POST ${ACTION_URL}`]: { json: { ...DONE, status: 'processing' } } });
    const { root, unmount } = mount(<ActionDialog view={view()} action="receive" onDone={() => undefined} onClose={() => undefined} />);
    expect(button(document.body, 'Xác nhận').disabled).toBe(false);
    await submit(root.querySelector('form')!);
    await settle();
    expect(calls[0]!.body).toEqual({ action: 'receive', reason: '', expected_version: 5 });
    unmount();
  });

  it('shows the server refusal in Vietnamese and stays open', async () => {
    mockFetch({ [`POST ${ACTION_URL}`]: { status: 409, json: { code: 'stale_version', message_vi: 'Hồ sơ vừa được người khác thay đổi. Tải lại rồi thử lại.', message_en: 'Stale' } } });
    const done = vi.fn();
    const { root, unmount } = mount(<ActionDialog view={view()} action="stop" onDone={done} onClose={() => undefined} />);
    await typeInto(root.querySelector('textarea[name=reason]')!, 'Người dân rút yêu cầu');
    await submit(root.querySelector('form')!);
    await settle();
    expect(root.querySelector('[role=alert]')!.textContent).toContain('Hồ sơ vừa được người khác thay đổi');
    expect(done).not.toHaveBeenCalled();
    unmount();
  });

  it('records an apology with the draft date and a reason', async () => {
    const calls = mockFetch({
      'GET /api/review/dossiers/d-1/apology-draft': {
        json: { dossier_id: 'd-1', official_code: 'X', due_date: '2026-03-03', overdue: true, processing_days: 1, elapsed_working_days: 6, remaining_working_days: 1, proposed_date: '2026-03-12', reason: 'Cần thêm thời gian xác minh.', text: 'Ngày 02/03/2026, Ủy ban nhân dân xã …', pdf_url: '/x.pdf' },
      },
      [`POST ${ACTION_URL}`]: { json: DONE },
    });
    const { root, unmount } = mount(<ApologyDialog view={view()} onDone={() => undefined} onClose={() => undefined} />);
    await settle(10);
    expect(root.querySelector('.oc-letter')!.textContent).toContain('Ủy ban nhân dân xã');
    expect(root.querySelector<HTMLInputElement>('input[name=appointment_date]')!.value).toBe('2026-03-12');
    await submit(root.querySelector('form')!);
    await settle();
    expect(calls.at(-1)!.body).toEqual({ action: 'apologise', reason: 'Cần thêm thời gian xác minh.', expected_version: 5, appointment_date: '2026-03-12' });
    unmount();
  });

  it('issues a result from the template preview, a corrected line needing a reason', async () => {
    const draft = {
      template: 'extract', title: 'Trích lục khai sinh', intro: '', closing: '', outcome: 'approved',
      document_kind: 'Trích lục khai sinh (bản điện tử)', signer_name: 'Hoàng Văn Thào', signer_title: 'Phó Chủ tịch',
      summary: 'Trích lục khai sinh',
      sections: [{ heading: null, fields: [{ key: 'child_full_name', label: 'Họ, chữ đệm, tên', value: 'Giàng A Lử' }] }],
    };
    const calls = mockFetch({
      'GET /api/review/dossiers/d-1/result-draft': { json: draft },
      'POST /api/review/dossiers/d-1/result': { status: 201, json: { official_code: 'X' } },
    });
    const done = vi.fn();
    const { root, unmount } = mount(<ResultDialog view={view({ allowed_actions: ['issue_result'] })} onDone={done} onClose={() => undefined} />);
    await settle(5);
    expect(root.textContent).toContain('TRÍCH LỤC KHAI SINH');
    expect(root.textContent).toContain('Hoàng Văn Thào');
    expect(root.querySelector<HTMLTextAreaElement>('textarea[name=summary]')!.value).toBe('Trích lục khai sinh');
    await typeInto(root.querySelector('input[name=line-child_full_name]')!, 'Giàng A Lừ');
    expect(button(document.body, 'Ký và cấp kết quả').disabled).toBe(true); // the reason is missing
    await typeInto(root.querySelector('input[name=reason-child_full_name]')!, 'Theo giấy chứng sinh');
    await submit(root.querySelector('form')!);
    await settle();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({
      summary: 'Trích lục khai sinh',
      corrections: [{ key: 'child_full_name', value: 'Giàng A Lừ', reason: 'Theo giấy chứng sinh' }],
    });
    expect(done).toHaveBeenCalled();
    unmount();
  });
});

describe('dossier view', () => {
  it('shows an invalid signature loudly, missing photos, duplicates and only the allowed actions', async () => {
    const v = view({
      signature: { ...view().signature!, valid: false, code: 'bad_signature', message_vi: 'Chữ ký không khớp với nội dung đã lưu (nội dung có thể đã bị sửa).' },
      duplicates: [{ id: 'd-2', code: 'ABC', status: 'submitted', status_label_vi: 'Đã nộp', applicant_name: 'Vàng Thị Dính', match: 'cccd', created_at: '2026-03-01T00:00:00Z' }],
      allowed_actions: ['receive', 'refuse'],
      audit: [{ id: 1, action: 'submit', from_status: 'draft', to_status: 'submitted', actor_name: 'Giàng A Chứ', actor_role: 'volunteer', at: '2026-03-02T02:58:00Z', reason: '', data: {} }],
    });
    mockFetch({ 'GET /api/review/dossiers/d-1': { json: v } });
    const { root, unmount } = mount(<DossierScreen id="d-1" />);
    await settle(10);
    const banner = root.querySelector('.oc-sig--invalid')!;
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('Chữ ký thiết bị KHÔNG hợp lệ');
    expect(banner.textContent).toContain('bad_signature');
    expect(root.querySelector('.oc-thumb--missing')!.textContent).toContain('Ảnh chưa về máy chủ');
    expect(root.querySelector('.oc-warnbox')!.textContent).toContain('cùng số CCCD');
    const actions = [...root.querySelectorAll('.oc-actions button')].map((b) => b.textContent);
    expect(actions).toEqual(['Tiếp nhận', 'Từ chối tiếp nhận']);
    expect(root.textContent).toContain('nộp hồ sơ → Đã nộp, chờ tiếp nhận');
    await click(button(root, 'Từ chối tiếp nhận'));
    expect(document.querySelector('[role=dialog] h2')!.textContent).toBe('Từ chối tiếp nhận');
    unmount();
  });
});

describe('stale conflicts', () => {
  it('can be dismissed with a required reason, keeping the current value', async () => {
    const conflict = {
      id: 'c-1', field: 'full_name', status: 'open', base_value: 'Giàng A Páo', current_value: 'Giàng A Pố',
      proposed_value: 'Giàng A Páu', created_at: '2026-03-02T02:58:00Z', resolved_value: null, resolved_at: null,
    };
    const calls = mockFetch({
      'GET /api/review/dossiers/d-1': { json: view({ conflicts: [conflict] }) },
      'POST /api/sync/conflicts/c-1/dismiss': { json: { ...conflict, status: 'dismissed' } },
    });
    const { root, unmount } = mount(<DossierScreen id="d-1" />);
    await settle(10);
    await click(button(root, 'Bỏ qua xung đột'));
    const dialog = document.querySelector('[role=dialog]')!;
    await submit(dialog.querySelector('form')!);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    await typeInto(dialog.querySelector('textarea[name=reason]')!, 'Cán bộ đã sửa theo CCCD');
    await submit(dialog.querySelector('form')!);
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.url).toBe('/api/sync/conflicts/c-1/dismiss');
    expect(posts[0]!.body).toEqual({ reason: 'Cán bộ đã sửa theo CCCD' });
    unmount();
  });
});

describe('readable history (issue 11)', () => {
  it('shows words, attachment changes with thumbnails, and hides fields that do not apply', async () => {
    const base = view();
    const v = view({
      form: [
        ...base.form,
        { key: 'child_place_of_birth_address', label_vi: 'Địa chỉ nơi sinh', label_en: 'Address', type: 'text', required: true, value: null, display: null, visible: false },
      ],
      dossier: { ...base.dossier, contact_phone: '0977123456' },
      revisions: [
        {
          number: 1, hash: 'h1', kind: 'submit', prev_revision: null, created_at: '2026-03-02T02:58:00Z', device_id: 'dev', volunteer_name: 'Giàng A Chứ',
          signature: base.signature!, receipt_code: null,
          changes: [
            { path: 'form_data.child_sex', kind: 'changed', label_vi: 'Giới tính', before: 'male', after: 'female', before_text: 'Nam', after_text: 'Nữ' },
            {
              path: 'components.giay-chung-sinh', kind: 'changed', label_vi: 'Giấy chứng sinh', before: ['a'], after: ['b', 'c'], added: ['b', 'c'], removed: ['a'],
              summary_vi: 'thêm 1 ảnh, thay 1 ảnh',
              before_files: [{ sha256: 'a', url: '/api/attachments/a', is_image: true, present: false }],
              after_files: [{ sha256: 'b', url: '/api/attachments/b', is_image: true, present: false }, { sha256: 'c', url: '/api/attachments/c', is_image: true, present: false }],
            },
          ],
        },
      ],
    });
    mockFetch({ 'GET /api/review/dossiers/d-1': { json: v } });
    const { root, unmount } = mount(<DossierScreen id="d-1" />);
    await settle(10);
    const history = root.querySelector('[aria-labelledby=oc-rev]')!;
    expect(history.textContent).toContain('Nam');
    expect(history.textContent).toContain('Nữ');
    expect(history.textContent).not.toContain('female');
    expect(history.textContent).toContain('thêm 1 ảnh, thay 1 ảnh');
    expect(history.querySelectorAll('.oc-thumb, .oc-thumb--missing').length).toBeGreaterThanOrEqual(3);
    expect(root.querySelector('[aria-labelledby=oc-form]')!.textContent).not.toContain('Địa chỉ nơi sinh');
    expect(root.textContent).toContain('0977123456');
    unmount();
  });
});
