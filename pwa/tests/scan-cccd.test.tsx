/**
 * Scanning the CCCD on the member screen: what a scan fills, confirms or puts side by side
 * (compare.ts), the scanner dialog's camera-denied and photo paths (the QR decoder itself is
 * replaced by a fixed reading here; the real decoder runs in tests/e2e/test_volunteer_scan_cccd.py).
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FormValues } from '../src/forms/schema';
import { compareScan, fillEmpty } from '../src/features/scan/compare';
import { parseCccdQr } from '../src/sync/cccd-qr';

const detected = vi.hoisted(() => ({ texts: [] as string[] }));
vi.mock('../src/features/scan/detector', () => ({
  ZXING_WASM_URL: '/assets/zxing_reader.wasm',
  qrDetector: async () => ({ kind: 'wasm', detect: async () => detected.texts }),
}));
const { CccdScanFlow } = await import('../src/features/scan/ScanFlow');

const TODAY = '2026-12-06';
const CARD = '012301004567||Lò Thị Sươi|15032001|Nữ|Bản Nậm Cười, xã Nậm Tăm, huyện Sìn Hồ, tỉnh Lai Châu|20042021';

describe('compareScan', () => {
  const scan = parseCccdQr(CARD, TODAY);

  it('fills every member field of an empty form', () => {
    const rows = compareScan(scan, {});
    expect(rows.map((r) => [r.field, r.status])).toEqual([
      ['full_name', 'filled'],
      ['date_of_birth', 'filled'],
      ['sex', 'filled'],
      ['cccd', 'filled'],
    ]);
    expect(fillEmpty({ relationship: 'vo' }, rows)).toEqual({
      relationship: 'vo',
      full_name: 'Lò Thị Sươi',
      date_of_birth: '2001-03-15',
      sex: 'female',
      cccd: '012301004567',
    });
  });

  it('marks equal values verified (name case, spacing and Unicode form aside) and keeps differing ones', () => {
    const saved: FormValues = { full_name: '  LÒ THỊ  SƯƠI'.normalize('NFD'), date_of_birth: '2001-03-16', sex: 'female' };
    const rows = compareScan(scan, saved);
    expect(rows.map((r) => [r.field, r.status, r.current])).toEqual([
      ['full_name', 'verified', saved['full_name']!.toString().trim()],
      ['date_of_birth', 'differs', '2001-03-16'],
      ['sex', 'verified', 'female'],
      ['cccd', 'filled', undefined],
    ]);
    expect(fillEmpty(saved, rows)).toEqual({ ...saved, cccd: '012301004567' });
  });

  it('leaves out what the card could not give', () => {
    const partial = parseCccdQr('012301004567||Lò Thị Sươi|31022001', TODAY);
    expect(compareScan(partial, {}).map((r) => r.field)).toEqual(['full_name', 'cccd']);
  });
});

describe('the scanner on the member screen', () => {
  let root: HTMLElement;
  let values: FormValues;
  const onChange = (fn: (prev: FormValues) => FormValues): void => {
    values = fn(values);
  };
  const show = async (startValues: FormValues): Promise<void> => {
    values = startValues;
    await act(async () => {
      render(<CccdScanFlow startOpen values={values} onChange={onChange} />, root);
    });
  };

  beforeEach(() => {
    root = document.createElement('div');
    document.body.appendChild(root);
    detected.texts = [];
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.unstubAllGlobals();
  });

  it('says so when the camera is refused, offers a photo, and cancels cleanly', async () => {
    const getUserMedia = vi.fn(async () => {
      throw new DOMException('Permission denied', 'NotAllowedError');
    });
    vi.stubGlobal('navigator', { ...navigator, mediaDevices: { getUserMedia } });
    await show({});
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('chưa được phép dùng máy ảnh'));
    expect(root.querySelector('label[for="scan-photo"]')?.textContent).toBe('Chọn ảnh chụp mã QR');
    const cancel = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Huỷ');
    await act(async () => cancel!.click());
    expect(root.querySelector('[role="dialog"]')).toBeNull();
    expect(root.querySelector('button.scan-start')?.textContent).toBe('Quét mã QR trên CCCD');
  });

  it('reads a photo: fills the empty fields, marks the equal one, shows the differing one side by side', async () => {
    vi.stubGlobal('navigator', { ...navigator, mediaDevices: undefined });
    vi.stubGlobal('createImageBitmap', async () => ({ width: 800, height: 600, close: () => undefined }));
    await show({ full_name: 'Lò Thị Sươi', date_of_birth: '2001-03-16', relationship: 'vo' });
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Không tìm thấy máy ảnh');

    const input = root.querySelector<HTMLInputElement>('#scan-photo')!;
    const pick = async (): Promise<void> => {
      Object.defineProperty(input, 'files', { value: [new File(['x'], 'cccd.jpg', { type: 'image/jpeg' })], configurable: true });
      await act(async () => {
        input.dispatchEvent(new Event('change'));
      });
    };
    await pick();
    await vi.waitFor(() => expect(root.textContent).toContain('Không tìm thấy mã QR trong ảnh'));

    detected.texts = ['https://example.com/not-a-card'];
    await pick();
    await vi.waitFor(() => expect(root.textContent).toContain('không phải mã trên thẻ CCCD'));

    detected.texts = [CARD];
    await pick();
    await vi.waitFor(() => expect(root.querySelector('[role="dialog"]')).toBeNull());
    expect(values).toMatchObject({ full_name: 'Lò Thị Sươi', date_of_birth: '2001-03-16', sex: 'female', cccd: '012301004567' });
    const status = (field: string): string | null | undefined =>
      root.querySelector(`[data-scan-field="${field}"]`)?.getAttribute('data-scan-status');
    expect([status('full_name'), status('date_of_birth'), status('sex'), status('cccd')]).toEqual(['verified', 'differs', 'filled', 'filled']);
    const differs = root.querySelector('[data-scan-field="date_of_birth"]')!;
    expect(differs.textContent).toContain('16/03/2001');
    expect(differs.textContent).toContain('15/03/2001');
    expect(root.querySelector('[data-scan-field="address"]')?.textContent).toContain('Bản Nậm Cười');

    await act(async () => root.querySelector<HTMLInputElement>('#scan-date_of_birth-card')!.click());
    expect(values['date_of_birth']).toBe('2001-03-15');
    await act(async () => root.querySelector<HTMLInputElement>('#scan-date_of_birth-keep')!.click());
    expect(values['date_of_birth']).toBe('2001-03-16');
  });

  it('lists the card\'s problems with the CCCD rule texts', async () => {
    vi.stubGlobal('navigator', { ...navigator, mediaDevices: undefined });
    vi.stubGlobal('createImageBitmap', async () => ({ width: 800, height: 600, close: () => undefined }));
    await show({});
    detected.texts = ['012301004567||Lò Văn Sươi|15032001|Nam|Lai Châu'];
    const input = root.querySelector<HTMLInputElement>('#scan-photo')!;
    Object.defineProperty(input, 'files', { value: [new File(['x'], 'cccd.jpg')], configurable: true });
    await act(async () => {
      input.dispatchEvent(new Event('change'));
    });
    await vi.waitFor(() => expect(root.querySelector('.scan-problems')).not.toBeNull());
    const problems = [...root.querySelectorAll('.scan-problems li')].map((li) => li.getAttribute('data-problem'));
    expect(problems).toEqual(['missing', 'century_sex_mismatch']);
    expect(root.querySelector('.scan-problems')!.textContent).toContain('Chữ số thứ 4 của CCCD');
    expect(root.querySelector('.scan-problems')!.textContent).toContain('Thẻ không cho biết «Ngày cấp»');
  });
});
