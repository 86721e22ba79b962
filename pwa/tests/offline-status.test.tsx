/**
 * Issue 10 (branch offline): a draft exists only once something is typed, drafts are listed apart
 * and can be discarded with a confirmation, the three status words, the server's status only
 * after the receipt, the sync counts (signatures are not photos), the lazy-chunk recovery, the
 * offline-readiness rule and the precache check of the build.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkPrecache, OFFICER_CHUNK_PREFIX, precacheUrls } from '../scripts/precache-lib.mjs';
import { countRule } from '../src/features/dossier/DocumentsStep';
import { createDraft, DiscardRefused, discardDraft, getDraft, isUnsavedDraft, loadDraft, saveDraft, startDraft } from '../src/features/dossier/drafts';
import { countDrafts, groupOverviews, listOverviews, serverStatusVisible } from '../src/features/dossier/status';
import { DossierWizard } from '../src/features/dossier/Wizard';
import { offlineCapable } from '../src/offline-ready';
import { Dossiers } from '../src/screens/Dossiers';
import { pendingText, statusLine } from '../src/screens/SyncStatus';
import { putBlob } from '../src/store/blobs';
import { db } from '../src/store/db';
import type { PendingSummary } from '../src/store/outbox';
import { formatAge } from '../src/ui/age';
import { loadWithRetry } from '../src/ui/lazy';
import { HEAD, HOUSEHOLD, KHAI_SINH, seed } from './dossier-fixtures';

const ARGS = { householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: KHAI_SINH.code, procedureVersion: KHAI_SINH.version };
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

async function mount(node: preact.VNode): Promise<void> {
  await act(async () => {
    render(node, root);
  });
}

async function click(text: string): Promise<void> {
  const button = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
  if (!button) throw new Error(`no button «${text}» in: ${root.textContent}`);
  await act(async () => {
    button.click();
  });
}

/** A signed dossier: draft signed, row queued (what signDossier leaves), optionally acknowledged. */
async function signed(opts: { acked?: { code: string; verdict: 'valid' | 'invalid' | 'unverified' }; status?: string; signedAt?: string } = {}): Promise<string> {
  const draft = await createDraft(ARGS);
  const signedAt = opts.signedAt ?? new Date(Date.now() - 3 * 3600_000).toISOString();
  await saveDraft({ ...draft, signed_at: signedAt, create_queued: true, submissions: 1 }, {}, {
    status: opts.status ?? 'submitted',
    sync_state: opts.acked ? 'synced' : 'queued',
    signed_at: signedAt,
    ...(opts.acked ? { receipt: { id: 'r', code: opts.acked.code, verdict: opts.acked.verdict } } : {}),
  });
  return draft.dossier_id;
}

describe('a new dossier is stored only once something is done in it', () => {
  it('opening the form creates nothing; the first typed value creates the draft', async () => {
    const draft = startDraft(ARGS);
    expect(isUnsavedDraft(draft.dossier_id)).toBe(true);
    expect(await loadDraft(draft.dossier_id)).toMatchObject({ dossier_id: draft.dossier_id });
    await mount(<DossierWizard dossierId={draft.dossier_id} />);
    await vi.waitFor(() => expect(root.querySelector('.steps')).not.toBeNull());
    expect(await db().dossiers.count()).toBe(0);
    expect(await getDraft(draft.dossier_id)).toBeUndefined();
    expect(await countDrafts()).toBe(0);

    const name = root.querySelector<HTMLInputElement>('[name="child_full_name"]')!;
    await act(async () => {
      name.value = 'Giàng A Lử';
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await vi.waitFor(async () => expect(await getDraft(draft.dossier_id)).toBeDefined());
    expect(await db().dossiers.get(draft.dossier_id)).toMatchObject({ sync_state: 'local' });
    expect(isUnsavedDraft(draft.dossier_id)).toBe(false);
    expect(await countDrafts()).toBe(1);
  });
});

describe('discarding a draft', () => {
  it('removes the draft, its row and the photos only it used', async () => {
    const draft = await createDraft(ARGS);
    const mine = await putBlob(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }));
    const shared = await putBlob(new Blob([new Uint8Array([4, 5])], { type: 'image/jpeg' }));
    const ref = (sha256: string) => ({ sha256, size: 3, type: 'image/jpeg', added_at: 'x' });
    await saveDraft({ ...draft, components: { a: [ref(mine.sha256), ref(shared.sha256)] } }, {});
    const other = await createDraft(ARGS);
    await saveDraft({ ...other, components: { a: [ref(shared.sha256)] } }, {});

    await discardDraft(draft.dossier_id);
    expect(await getDraft(draft.dossier_id)).toBeUndefined();
    expect(await db().dossiers.get(draft.dossier_id)).toBeUndefined();
    expect(await db().blobs.get(mine.sha256)).toBeUndefined();
    expect(await db().blobs.get(shared.sha256)).toBeDefined();
    expect(await getDraft(other.dossier_id)).toBeDefined();
  });

  it('is refused for a signed dossier, which stays untouched', async () => {
    const id = await signed();
    const error = await discardDraft(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscardRefused);
    expect((error as DiscardRefused).message_vi).toContain('không thể bỏ');
    expect(await db().dossiers.get(id)).toMatchObject({ sync_state: 'queued' });
  });
});

describe('the dossier list', () => {
  it('groups drafts, waiting and sent dossiers and shows the server status only after the receipt', async () => {
    const draft = await createDraft(ARGS);
    const waiting = await signed();
    const sent = await signed({ acked: { code: 'AB12-CD34', verdict: 'valid' }, status: 'received' });
    const unverified = await signed({ acked: { code: 'EF56-GH78', verdict: 'unverified' } });
    const g = groupOverviews(await listOverviews());
    expect(g.drafts.map((o) => o.row.id)).toEqual([draft.dossier_id]);
    expect(g.waiting.map((o) => o.row.id)).toEqual([waiting]);
    expect(g.sent.map((o) => o.row.id)).toEqual([sent]);
    expect(g.attention.map((o) => o.row.id)).toEqual([unverified]);
    expect(g.oldestWaiting).toBeLessThan(Date.now() - 2 * 3600_000);
    expect(serverStatusVisible(g.waiting[0]!)).toBe(false);
    expect(serverStatusVisible(g.sent[0]!)).toBe(true);

    await mount(<Dossiers />);
    await vi.waitFor(() => expect(root.textContent).toContain('Bản nháp (1)'));
    const text = root.textContent!;
    expect(text).toContain('Đã ký, chờ gửi (1)');
    expect(text).toContain('Hồ sơ chờ lâu nhất: 3 giờ');
    expect(text).toContain('Đã gửi — biên nhận AB12-CD34');
    expect(text).toContain('Đã gửi, chưa xác minh được biên nhận');
    // "Đã nộp, chờ tiếp nhận" (submitted) is the server's word: never next to "chờ gửi".
    const waitingItem = root.querySelector(`a[href="#/dossiers/${waiting}"]`)!;
    expect(waitingItem.textContent).toContain('Đã ký, chờ gửi');
    expect(waitingItem.textContent).not.toMatch(/Đã nộp|tiếp nhận/);
    expect(root.querySelector(`a[href="#/dossiers/${sent}"]`)!.textContent).toMatch(/tiếp nhận/i);
  });

  it('discards a draft only after the confirmation', async () => {
    const draft = await createDraft(ARGS);
    await mount(<Dossiers />);
    await vi.waitFor(() => expect(root.textContent).toContain('Bỏ bản nháp'));
    await click('Bỏ bản nháp');
    expect(root.textContent).toContain('Không thể hoàn tác');
    await click('Giữ lại');
    expect(await getDraft(draft.dossier_id)).toBeDefined();
    await click('Bỏ bản nháp');
    await click('Xoá bản nháp');
    await vi.waitFor(() => expect(root.textContent).not.toContain('Bản nháp (1)'));
    expect(await getDraft(draft.dossier_id)).toBeUndefined();
    expect(await countDrafts()).toBe(0);
  });
});

describe('what waits, in words', () => {
  const base: PendingSummary = { mutations: 0, changes: 0, blobs: 0, files: 0, signatures: 0, oldestAt: null, dossiers: 0 };
  const now = Date.parse('2026-03-02T12:00:00Z');

  it('says nothing waits when only drafts exist', () => {
    expect(pendingText(base, now)).toBeNull();
    expect(statusLine(base, now)).toBeNull();
  });

  it('counts signed dossiers with their age, and never calls a signature a photo', () => {
    const p: PendingSummary = { ...base, mutations: 2, blobs: 3, files: 2, signatures: 1, dossiers: 1, oldestAt: now - 95 * 60_000 };
    expect(pendingText(p, now)).toBe('Đã ký, chờ gửi: 1 hồ sơ · 2 tệp chưa gửi · chờ 1 giờ');
    expect(statusLine(p, now)).toBe('Đã ký, chờ gửi: 1 hồ sơ · chờ 1 giờ');
    expect(pendingText({ ...base, mutations: 1, changes: 1, oldestAt: now - 5 * 60_000 }, now)).toBe('1 thay đổi chưa gửi · chờ 5 phút');
  });

  it('reads ages the way a volunteer says them', () => {
    expect(formatAge(now - 20_000, now)).toBe('vừa xong');
    expect(formatAge(now - 25 * 60_000, now)).toBe('25 phút');
    expect(formatAge(now - 3 * 3600_000, now)).toBe('3 giờ');
    expect(formatAge(now - 50 * 3600_000, now)).toBe('2 ngày');
  });
});

describe('document checklist wording', () => {
  it('never pairs "Không bắt buộc" with "cần ít nhất 1 tệp"', () => {
    expect(countRule({ required: false, min_count: 1 })).toBeUndefined();
    expect(countRule({ required: false, min_count: 2 })).toBe('nếu nộp, cần ít nhất 2 tệp');
    expect(countRule({ required: true, min_count: 1 })).toBe('cần ít nhất 1 tệp');
  });
});

describe('lazy chunks and offline readiness', () => {
  it('retries a failed dynamic import, then gives up with the last error', async () => {
    let calls = 0;
    const flaky = async (): Promise<string> => {
      calls++;
      if (calls < 3) throw new TypeError('Failed to fetch dynamically imported module');
      return 'module';
    };
    const sleeps: number[] = [];
    const sleep = async (ms: number): Promise<void> => void sleeps.push(ms);
    expect(await loadWithRetry(flaky, { retries: 2, delayMs: 100, sleep })).toBe('module');
    expect(sleeps).toEqual([100, 200]);
    calls = -10;
    await expect(loadWithRetry(flaky, { retries: 1, sleep })).rejects.toThrow(/dynamically imported/);
  });

  it('is ready offline only with a complete precache AND a controlling, activated worker', () => {
    expect(offlineCapable(true, { state: 'activated' })).toBe(true);
    expect(offlineCapable(false, { state: 'activated' })).toBe(false);
    expect(offlineCapable(true, null)).toBe(false);
    expect(offlineCapable(true, { state: 'activating' })).toBe(false);
  });

  it('finds volunteer chunks missing from the precache and officer chunks in it', () => {
    const sw = 'precacheAndRoute([{url:"index.html",revision:"1"},{url:"assets/index-a.js",revision:null},{url:"assets/officer-b.js",revision:null}])';
    const urls = precacheUrls(sw);
    expect(urls).toEqual(['index.html', 'assets/index-a.js', 'assets/officer-b.js']);
    const manifest = {
      'index.html': { file: 'assets/index-a.js', css: ['assets/index-a.css'] },
      'src/features/dossier/Wizard.tsx': { file: 'assets/Wizard-c.js' },
      'src/officer/index.tsx': { file: 'assets/officer-b.js' },
    };
    expect(checkPrecache(manifest, urls, OFFICER_CHUNK_PREFIX)).toEqual({
      missing: ['assets/Wizard-c.js', 'assets/index-a.css'],
      leaked: ['assets/officer-b.js'],
    });
  });
});
