import { render } from 'preact';
import { useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FormRenderer } from '../src/forms/FormRenderer';
import { inputToValue } from '../src/forms/inputs';
import { issuesByPath } from '../src/forms/messages';
import type { FormField, FormValues } from '../src/forms/schema';
import { resolvePrefill, validateForm } from '../src/sync/forms';

const L = (vi: string): { vi: string; en: string } => ({ vi, en: vi });

const FIELDS: FormField[] = [
  { key: 'child_name', type: 'text', label: L('Họ tên trẻ'), required: true },
  {
    key: 'place',
    type: 'select',
    label: L('Nơi sinh'),
    options: [
      { value: 'hospital', label: L('Bệnh viện') },
      { value: 'home', label: L('Tại nhà') },
    ],
  },
  { key: 'hospital_name', type: 'text', label: L('Tên bệnh viện'), required: true, show_if: { field: 'place', op: 'equals', value: 'hospital' } },
  { key: 'address', type: 'text', label: L('Địa chỉ'), prefill: 'household.address' },
  { key: 'weight', type: 'number', label: L('Cân nặng (gam)') },
  {
    key: 'witnesses',
    type: 'repeat',
    label: L('Người làm chứng'),
    fields: [{ key: 'name', type: 'text', label: L('Họ tên'), required: true }],
  },
];

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.appendChild(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

let latest: FormValues = {};
function Harness(props: { initial: FormValues; prefilled?: FormValues; errors?: Record<string, string> }) {
  const [values, setValues] = useState(props.initial);
  latest = values;
  return <FormRenderer fields={FIELDS} values={values} onChange={setValues} prefilled={props.prefilled} errors={props.errors} />;
}

const fieldEl = (path: string): Element | null => container.querySelector(`[data-field="${path}"]`);
const input = <T extends HTMLElement = HTMLInputElement>(path: string): T => document.getElementById(`f-${path}`) as T;

async function type(el: HTMLInputElement | HTMLSelectElement, value: string, event = 'input'): Promise<void> {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

describe('FormRenderer', () => {
  it('hides a show_if field until its condition holds', async () => {
    act(() => render(<Harness initial={{}} />, container));
    expect(fieldEl('hospital_name')).toBeNull();

    // Two options: one-tap radio chips instead of a picker.
    expect(input('place').getAttribute('role')).toBe('radiogroup');
    await act(() => input('place-hospital').click());
    expect(fieldEl('hospital_name')).not.toBeNull();
    expect(latest.place).toBe('hospital');

    await act(() => input('place-home').click());
    expect(fieldEl('hospital_name')).toBeNull();
  });

  it('marks prefilled fields until the user changes them', async () => {
    const prefilled = resolvePrefill(FIELDS, null, null, { address: 'Xóm Đồng, thôn 3' }, [], {});
    expect(prefilled).toEqual({ address: 'Xóm Đồng, thôn 3' });
    act(() => render(<Harness initial={prefilled} prefilled={prefilled} />, container));

    expect(fieldEl('address')!.textContent).toContain('Đã điền sẵn');
    expect(input('address').value).toBe('Xóm Đồng, thôn 3');
    expect(input('address').getAttribute('aria-describedby')).toContain('f-address-prefilled');
    expect(fieldEl('child_name')!.textContent).not.toContain('Đã điền sẵn');

    await type(input('address'), 'Xóm Chùa');
    expect(fieldEl('address')!.textContent).not.toContain('Đã điền sẵn');
  });

  it('stores integers for number fields and removes cleared keys', async () => {
    act(() => render(<Harness initial={{}} />, container));
    await type(input('weight'), '3200');
    expect(latest.weight).toBe(3200);
    await type(input('weight'), '');
    expect(latest).not.toHaveProperty('weight');
  });

  it('adds repeat items and shows item errors at SPEC-forms paths', async () => {
    const errors = issuesByPath(validateForm(FIELDS, { child_name: 'An', witnesses: [{}] }, '2025-07-15'));
    expect(Object.keys(errors)).toEqual(['witnesses[0].name']);
    act(() => render(<Harness initial={{ child_name: 'An', witnesses: [{}] }} errors={errors} />, container));
    expect(container.querySelector('[id="f-witnesses[0].name-error"]')!.textContent).toBe('Trường này là bắt buộc');

    const add = [...container.querySelectorAll('button')].find((b) => b.textContent?.startsWith('Thêm'))!;
    await act(() => add.click());
    expect(latest.witnesses).toEqual([{}, {}]);
  });

  it('links a Vietnamese message to the invalid input', () => {
    const errors = issuesByPath(validateForm(FIELDS, {}, '2025-07-15'));
    act(() => render(<Harness initial={{}} errors={errors} />, container));
    expect(input('child_name').getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('f-child_name-error')!.textContent).toBe('Trường này là bắt buộc');
  });
});

describe('input normalisation', () => {
  it('turns typed text into the values validation expects', () => {
    expect(inputToValue('phone', '+84 912 345 678')).toBe('0912345678');
    expect(inputToValue('cccd', '001 203 004 567')).toBe('001203004567');
    expect(inputToValue('number', ' 42 ')).toBe(42);
    expect(inputToValue('number', '4.5')).toBe('4.5');
    expect(inputToValue('text', 'Nguyễn'.normalize('NFD'))).toBe('Nguyễn'.normalize('NFC'));
    expect(inputToValue('text', '')).toBeUndefined();
  });
});
