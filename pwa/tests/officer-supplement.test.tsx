import { afterEach, describe, expect, it } from 'vitest';
import { SupplementDialog, supplementTargets } from '../src/officer/screens/dialogs';
import { buildSupplementBody } from '../src/officer/supplement';
import { button, click, mockFetch, mount, resetMocks, settle, submit, typeInto } from './officer-helpers';
import { view } from './officer-fixtures';

afterEach(resetMocks);

describe('buildSupplementBody', () => {
  it('lists picked components then fields, each with its problem, and the reason', () => {
    const { body, errors } = buildSupplementBody(
      ' Hồ sơ chưa đủ ',
      {
        components: { 'giay-chung-sinh': { checked: true, problem: 'Ảnh mờ, chụp lại' }, 'van-ban-uy-quyen': { checked: false, problem: 'x' } },
        fields: { mother_full_name: { checked: true, problem: ' Sai dấu ' }, child_full_name: { checked: false, problem: '' } },
      },
      5,
    );
    expect(errors).toEqual([]);
    expect(body).toEqual({
      action: 'request_supplement',
      reason: 'Hồ sơ chưa đủ',
      items: [
        { component_code: 'giay-chung-sinh', problem: 'Ảnh mờ, chụp lại' },
        { field: 'mother_full_name', problem: 'Sai dấu' },
      ],
      expected_version: 5,
    });
  });

  it('explains what is missing before anything is sent', () => {
    expect(buildSupplementBody('', { components: {}, fields: {} }).errors).toEqual([{ kind: 'reason_required' }, { kind: 'items_required' }]);
    const { errors } = buildSupplementBody('Lý do', { components: { a: { checked: true, problem: '  ' } }, fields: { f: { checked: true, problem: 'x'.repeat(501) } } });
    expect(errors).toEqual([
      { kind: 'problem_required', target: 'a' },
      { kind: 'problem_too_long', target: 'f', max: 500 },
    ]);
    const many = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`f${i}`, { checked: true, problem: 'sai' }]));
    expect(buildSupplementBody('Lý do', { components: {}, fields: many }).errors).toEqual([{ kind: 'too_many', max: 30 }]);
  });

  it('offers repeat-group sub-fields as group.sub', () => {
    const v = view({
      form: [
        {
          key: 'children',
          label_vi: 'Con',
          label_en: 'Children',
          type: 'repeat',
          required: false,
          value: [],
          display: [[{ key: 'name', label_vi: 'Tên', label_en: 'Name', type: 'text', required: true, value: 'A', display: 'A' }]],
        },
      ],
    });
    expect(supplementTargets(v).fields.map((f) => f.key)).toEqual(['children', 'children.name']);
  });
});

describe('supplement dialog', () => {
  it('pre-ticks the missing required component and sends the picked items', async () => {
    const calls = mockFetch({ 'POST /api/review/dossiers/d-1/actions': { json: { id: 'd-1', status: 'supplement_requested', status_label_vi: 'Yêu cầu bổ sung hồ sơ', official_code: 'X', due_date: null, version: 6, documents: [] } } });
    const { root, unmount } = mount(<SupplementDialog view={view()} onDone={() => undefined} onClose={() => undefined} />);
    const birth = root.querySelector<HTMLInputElement>('input[name="components:giay-chung-sinh"]')!;
    expect(birth.checked).toBe(true);
    expect(root.querySelector<HTMLInputElement>('input[name="components:van-ban-uy-quyen"]')!.checked).toBe(false);

    // Nothing is sent without a reason; the dialog says why.
    await submit(root.querySelector('form')!);
    expect(calls).toHaveLength(0);
    expect(root.querySelector('ul.oc-error')!.textContent).toContain('Cần ghi lý do chung.');

    await typeInto(root.querySelector<HTMLInputElement>('input[name="problem:components:giay-chung-sinh"]')!, 'Ảnh mờ, chụp lại');
    await click(root.querySelector<HTMLInputElement>('input[name="fields:mother_full_name"]')!);
    await submit(root.querySelector('form')!);
    expect(calls).toHaveLength(0);
    expect(root.querySelector('ul.oc-error')!.textContent).toContain('Ghi rõ vấn đề của “Họ, chữ đệm và tên của mẹ”.');
    await typeInto(root.querySelector<HTMLInputElement>('input[name="problem:fields:mother_full_name"]')!, 'Sai dấu');
    await typeInto(root.querySelector<HTMLTextAreaElement>('textarea[name=reason]')!, 'Hồ sơ chưa đủ');
    await click(button(root, 'Gửi yêu cầu bổ sung'));
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toEqual({
      action: 'request_supplement',
      reason: 'Hồ sơ chưa đủ',
      items: [
        { component_code: 'giay-chung-sinh', problem: 'Ảnh mờ, chụp lại' },
        { field: 'mother_full_name', problem: 'Sai dấu' },
      ],
      expected_version: 5,
    });
    unmount();
  });
});
