import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/store/outbox', () => ({ queueMutation: vi.fn(async () => ({ hash: 'e'.repeat(64) })) }));
vi.mock('../src/store/blobs', () => ({
  putBlob: vi.fn(async (b: Blob) => ({ sha256: 'b'.repeat(64), size: b.size, type: b.type })),
  getBlob: vi.fn(async () => undefined),
}));

import { createDraft, getDraft } from '../src/features/dossier/drafts';
import { DossierWizard } from '../src/features/dossier/Wizard';
import { queueMutation } from '../src/store/outbox';
import { db } from '../src/store/db';
import { formatDate } from '../src/forms/dates';
import { NewDossier } from '../src/features/dossier/NewDossier';
import { HEAD, HOUSEHOLD, seed, TYPED, WIFE } from './dossier-fixtures';

let root: HTMLElement;

beforeEach(async () => {
  await db().delete();
  await db().open();
  await seed(db());
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

async function mount(id: string): Promise<void> {
  await act(async () => {
    render(<DossierWizard dossierId={id} />, root);
  });
  await vi.waitFor(() => expect(root.querySelector('.steps')).not.toBeNull());
}

function input(key: string): HTMLInputElement | HTMLSelectElement {
  const el = root.querySelector<HTMLInputElement>(`[name="${key}"]`);
  if (!el) throw new Error(`no input ${key}`);
  return el;
}

async function type(key: string, value: string): Promise<void> {
  const radio = root.querySelector<HTMLInputElement>(`input[type=radio][name="${key}"][value="${value}"]`);
  if (radio) {
    await act(async () => {
      radio.click();
    });
    return;
  }
  const el = input(key);
  // The date field takes dd/mm/yyyy as typed; the stored value stays ISO.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && el.tagName === 'INPUT') value = formatDate(value);
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  });
}

async function click(text: string): Promise<void> {
  const button = [...root.querySelectorAll('button')].find((b) => b.textContent?.includes(text));
  if (!button) throw new Error(`no button ${text}`);
  await act(async () => {
    button.click();
  });
}

function sectionTitle(): string {
  return root.querySelector('.section-title')?.textContent ?? '';
}

/** Type what is on screen of `values`, step by step, until the documents step. */
async function fillForm(values: Record<string, string>): Promise<string[]> {
  const seen: string[] = [];
  for (let guard = 0; guard < 10 && root.querySelector('.form-steps'); guard++) {
    seen.push(sectionTitle());
    const toType = root.querySelector('.form-steps > .form-fields');
    for (const [k, v] of Object.entries(values)) {
      if (toType?.querySelector(`[name="${k}"]`)) await type(k, v);
    }
    await click(root.querySelector('.form-steps button[type=submit]')!.textContent!);
  }
  return seen;
}

describe('dossier wizard', () => {
  it('shows the form one step at a time, fields to type first, the prefilled ones collapsed, and saves every change', async () => {
    const draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 });
    await mount(draft.dossier_id);
    expect(root.textContent).toContain('Bước 1/4: Biểu mẫu');
    expect(sectionTitle()).toBe('Phần 1/4: Trẻ được khai sinh');
    expect(root.querySelectorAll('.section-progress li')).toHaveLength(4);
    // Only the child's fields are on this step; the mother's are on the next one.
    expect(root.querySelector('[name="child_full_name"]')).not.toBeNull();
    expect(root.querySelector('[name="mother_full_name"]')).toBeNull();
    const notice = root.querySelector('.notice')!.textContent!;
    const [, prefilled, total] = /(\d+)\/(\d+)/.exec(notice)!;
    expect(Number(prefilled)).toBe(Number(total)); // nothing typed yet: every filled field is prefilled

    await type('child_full_name', TYPED.child_full_name);
    await vi.waitFor(async () => {
      const saved = await getDraft(draft.dossier_id);
      expect(saved?.typed.child_full_name).toBe(TYPED.child_full_name);
      expect(saved?.fill_started_at).toBeTruthy();
    });
    await type('child_date_of_birth', TYPED.child_date_of_birth);
    expect((input('child_date_of_birth') as HTMLInputElement).value).toBe('20/02/2026');
    await vi.waitFor(async () => expect((await getDraft(draft.dossier_id))?.typed.child_date_of_birth).toBe('2026-02-20'));
    for (const k of ['child_sex', 'child_place_of_birth_kind'] as const) await type(k, TYPED[k]);
    await click('Tiếp tục');

    // The mother's step: everything prefilled from the wife, collapsed in a summary.
    expect(sectionTitle()).toBe('Phần 2/4: Mẹ');
    const summary = root.querySelector<HTMLDetailsElement>('details.prefilled-summary')!;
    expect(summary.querySelector('summary')!.textContent).toMatch(/^\d+ trường đã điền sẵn — xem lại$/);
    expect(summary.open).toBe(false);
    expect((summary.querySelector('[name="mother_full_name"]') as HTMLInputElement).value).toBe(WIFE.full_name);
    expect((summary.querySelector('[name="mother_date_of_birth"]') as HTMLInputElement).value).toBe('12/05/1993');
    expect(summary.querySelectorAll('.badge--prefilled').length).toBeGreaterThan(3);

    // "Reload": a fresh mount resumes at the saved step with the saved answers.
    await vi.waitFor(async () => expect((await getDraft(draft.dossier_id))?.section).toBe('mother'));
    render(null, root);
    await mount(draft.dossier_id);
    expect(sectionTitle()).toBe('Phần 2/4: Mẹ');
    await click('Bước trước');
    expect((input('child_full_name') as HTMLInputElement).value).toBe(TYPED.child_full_name);
  });

  it('shows Vietnamese validation messages and blocks the next step on an invalid step', async () => {
    const draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 });
    await mount(draft.dossier_id);
    await click('Tiếp tục');
    expect(root.textContent).toContain('Trường này là bắt buộc');
    expect(root.textContent).toMatch(/Biểu mẫu còn \d+ lỗi/);
    expect(sectionTitle()).toBe('Phần 1/4: Trẻ được khai sinh');
    await type('child_date_of_birth', '31/02/2026');
    expect(root.textContent).toContain('Ngày không hợp lệ (dd/mm/yyyy)');
  });

  it('will not open the signature while a required document is missing', async () => {
    const draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 });
    await mount(draft.dossier_id);
    const steps = await fillForm(TYPED);
    expect(steps).toEqual(['Phần 1/4: Trẻ được khai sinh', 'Phần 2/4: Mẹ', 'Phần 3/4: Cha', 'Phần 4/4: Người yêu cầu']);
    expect(root.textContent).toContain('Bước 2/4: Giấy tờ kèm theo');
    expect(root.querySelector('.card--missing')?.textContent).toContain('Giấy chứng sinh');
    expect(root.textContent).toContain('Chụp ảnh');
    expect(root.querySelector('input[type=file][capture=environment][accept="image/*"]')).not.toBeNull();
    await click('Tiếp tục');
    expect(root.textContent).toContain('Bước 3/4: Kiểm tra lại');
    expect(root.textContent).toContain('Chưa thể ký');
    expect(root.textContent).toMatch(/Thiếu: Giấy chứng sinh.*cần 1, mới có 0/);
    const toSign = [...root.querySelectorAll('button')].find((b) => b.textContent?.includes('Chuyển sang ký'))!;
    expect(toSign.disabled).toBe(true);
    expect(queueMutation).not.toHaveBeenCalled();
  });

  it('in a household headed by the mother, she is prefilled and choosing her as applicant sets Quan hệ = Mẹ', async () => {
    await db().households.update(HOUSEHOLD.id, { head_member_id: WIFE.id, head_name: WIFE.full_name });
    await db().members.update(WIFE.id, { relationship: 'chu_ho' });
    await db().members.update(HEAD.id, { relationship: 'chong' });
    const draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: WIFE.id, procedureCode: 'khai-sinh', procedureVersion: 1 });
    await mount(draft.dossier_id);
    await fillForm({ child_full_name: TYPED.child_full_name, child_sex: 'male', child_date_of_birth: TYPED.child_date_of_birth, child_place_of_birth_kind: 'tai_nha' });
    // The mother's and father's steps were prefilled; stop at the father's choice.
    expect(root.textContent).toContain('Bước 1/4');
    expect(sectionTitle()).toBe('Phần 3/4: Cha');
    await type('father_known', 'co');
    expect((input('father_member') as HTMLSelectElement).value).toBe(HEAD.id);
    expect(root.querySelector<HTMLInputElement>('input[name="father_known"][value="co"]')!.checked).toBe(true);
    // Revealed by the choice and prefilled: they join the collapsed summary, not the fields to type.
    expect(root.querySelector('details.prefilled-summary [name="father_full_name"]')).not.toBeNull();
    expect(root.querySelector('.form-steps > .form-fields [name="father_full_name"]')).toBeNull();
    await click('Tiếp tục');
    expect(sectionTitle()).toBe('Phần 4/4: Người yêu cầu');
    expect((input('requester_relationship') as HTMLSelectElement).value).toBe('me');
    expect((input('requester_full_name') as HTMLInputElement).value).toBe(WIFE.full_name);
  });
});

describe('applicant picker', () => {
  it('shows relationship and age and hides children under 16', async () => {
    await db().members.put({ ...WIFE, id: '44444444-4444-4444-8444-444444444444', full_name: 'Giàng Thị Súa', relationship: 'con', date_of_birth: '2022-01-01', search_key: 'giang thi sua' });
    await act(async () => {
      render(<NewDossier householdId={HOUSEHOLD.id} procedure="khai-sinh" version={1} />, root);
    });
    await vi.waitFor(() => expect(root.querySelector('.choice-list')).not.toBeNull());
    const rows = [...root.querySelectorAll('.choice')].map((li) => li.textContent);
    expect(rows).toHaveLength(2);
    expect(rows.join('|')).toMatch(/Giàng A Páo · Chủ hộ · \d+ tuổi/);
    expect(rows.join('|')).toMatch(/Vàng Thị Dính · Vợ · \d+ tuổi/);
    expect(root.textContent).toContain('Không hiện 1 người dưới 16 tuổi');
  });
});
