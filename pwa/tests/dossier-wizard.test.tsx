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
import { HEAD, HOUSEHOLD, seed, TYPED } from './dossier-fixtures';

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
  const el = input(key);
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

describe('dossier wizard', () => {
  it('marks prefilled fields "Đã điền sẵn", counts them, and saves every change', async () => {
    const draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 });
    await mount(draft.dossier_id);
    expect(root.textContent).toContain('Bước 1/4: Biểu mẫu');
    expect((input('requester_full_name') as HTMLInputElement).value).toBe('Giàng A Páo');
    const badges = root.querySelectorAll('.badge--prefilled');
    expect(badges.length).toBeGreaterThan(5);
    expect(badges[0]!.textContent).toBe('Đã điền sẵn');
    const notice = root.querySelector('.notice')!.textContent!;
    const [, prefilled, total] = /(\d+)\/(\d+)/.exec(notice)!;
    expect(Number(prefilled)).toBe(Number(total)); // nothing typed yet: every filled field is prefilled

    await type('child_full_name', TYPED.child_full_name);
    await vi.waitFor(async () => {
      const saved = await getDraft(draft.dossier_id);
      expect(saved?.typed.child_full_name).toBe(TYPED.child_full_name);
      expect(saved?.fill_started_at).toBeTruthy();
    });

    // "Reload": a fresh mount shows the saved answer.
    render(null, root);
    await mount(draft.dossier_id);
    expect((input('child_full_name') as HTMLInputElement).value).toBe(TYPED.child_full_name);
  });

  it('shows Vietnamese validation messages and blocks the next step on an invalid form', async () => {
    const draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 });
    await mount(draft.dossier_id);
    await click('Tiếp tục');
    expect(root.textContent).toContain('Trường này là bắt buộc');
    expect(root.textContent).toMatch(/Biểu mẫu còn \d+ lỗi/);
    expect(root.textContent).toContain('Bước 1/4');
  });

  it('will not open the signature while a required document is missing', async () => {
    const draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 });
    await mount(draft.dossier_id);
    for (const [k, v] of Object.entries(TYPED)) await type(k, v);
    await click('Tiếp tục');
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
});
