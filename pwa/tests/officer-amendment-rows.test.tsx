import { afterEach, describe, expect, it } from 'vitest';
import { Conflicts } from '../src/officer/screens/dossier/decisions';
import { mount, resetMocks } from './officer-helpers';
import { view } from './officer-fixtures';

afterEach(resetMocks);

const noop = (): void => undefined;

describe('an amendment in the officer console', () => {
  it('reads as words: the field label, before → after, not raw keys and codes', () => {
    const v = view({
      amendments: [
        {
          id: 'a1',
          status: 'pending',
          fields: { form_data: { child_full_name: 'Giàng A Lứ', child_sex: 'female' } },
          rows: [{ label_vi: 'Giới tính của trẻ', before_text: 'Nam', after_text: 'Nữ' }],
          base_version: 3,
          created_at: '2026-12-06T01:00:00Z',
          decided_at: null,
          reason: '',
        },
      ],
    });
    const { root } = mount(<Conflicts view={v} onResolve={noop} onDismiss={noop} onDecide={noop} />);
    const text = root.textContent ?? '';
    expect(text).toContain('Giới tính của trẻ');
    expect(text).toContain('Nam → Nữ');
    expect(text).not.toContain('female');
    expect(text).not.toContain('child_sex');
  });
});
