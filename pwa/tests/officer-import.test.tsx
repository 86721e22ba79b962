import { afterEach, describe, expect, it } from 'vitest';
import { ImportScreen } from '../src/officer/screens/Import';
import { mockFetch, mount, resetMocks, settle, submit } from './officer-helpers';
import { act } from 'preact/test-utils';

afterEach(resetMocks);

async function pick(root: HTMLElement, text: string): Promise<void> {
  const input = root.querySelector<HTMLInputElement>('input[type=file]')!;
  const file = new File([text], 'ho.csv', { type: 'text/csv' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

describe('household CSV import', () => {
  it('lists every bad row with its column and Vietnamese message, nothing imported', async () => {
    const calls = mockFetch({
      'POST /api/households/import': {
        status: 422,
        json: {
          code: 'csv_rejected',
          message_vi: 'Tệp có 2 lỗi (dòng 3, 7); không nhập hộ nào. Sửa các dòng lỗi rồi nhập lại.',
          message_en: 'The file has 2 error(s); nothing was imported.',
          errors: [
            { row: 3, column: 'cccd', code: 'bad_cccd', message_vi: 'Số CCCD phải gồm đúng 12 chữ số.', message_en: 'x' },
            { row: 7, column: 'village_code', code: 'unknown_village', message_vi: 'Không có thôn mã 99.', message_en: 'y' },
          ],
        },
      },
    });
    const { root, unmount } = mount(<ImportScreen role="officer" />);
    await pick(root, 'village_code,address\n01,x\n');
    await submit(root.querySelector('form')!);
    await settle(10);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.url).toBe('/api/households/import');
    expect(calls[0]!.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(calls[0]!.body).toBeInstanceOf(File);
    expect(root.querySelector('.oc-error')!.textContent).toContain('không nhập hộ nào');
    const rows = [...root.querySelectorAll('table.oc-import-errors tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['3', 'cccd', 'Số CCCD phải gồm đúng 12 chữ số.'],
      ['7', 'village_code', 'Không có thôn mã 99.'],
    ]);
    expect(root.querySelector('caption')!.textContent).toBe('2 lỗi — chưa nhập gì');
    unmount();
  });

  it('reports the counts on success', async () => {
    mockFetch({ 'POST /api/households/import': { status: 201, json: { imported_households: 12, imported_members: 47 } } });
    const { root, unmount } = mount(<ImportScreen role="officer" />);
    await pick(root, 'ok');
    await submit(root.querySelector('form')!);
    await settle(10);
    expect(root.querySelector('.oc-success')!.textContent).toBe('Đã nhập 12 hộ, 47 nhân khẩu.');
    unmount();
  });

  it('asks an admin for the commune and sends it', async () => {
    const calls = mockFetch({
      'GET /api/units/communes': { json: [{ id: 'c9', name: 'Pu Sam Cáp' }] },
      'POST /api/households/import': { status: 201, json: { imported_households: 1, imported_members: 1 } },
    });
    const { root, unmount } = mount(<ImportScreen role="admin" />);
    await settle(10);
    await pick(root, 'ok');
    const select = root.querySelector<HTMLSelectElement>('select')!;
    expect(root.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled).toBe(true);
    await act(async () => {
      select.value = 'c9';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await submit(root.querySelector('form')!);
    await settle(10);
    expect(calls.at(-1)!.url).toBe('/api/households/import?commune_id=c9');
    unmount();
  });
});
