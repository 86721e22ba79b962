import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Household } from '../src/screens/Household';
import { MemberEdit } from '../src/screens/MemberEdit';
import { db } from '../src/store/db';
import { HEAD, HOUSEHOLD, seed } from './dossier-fixtures';

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

const links = (): string[] =>
  [...root.querySelectorAll<HTMLAnchorElement>('a')].filter((a) => a.textContent?.trim() === 'Lập hồ sơ mới').map((a) => a.getAttribute('href') ?? '');

describe('"Lập hồ sơ mới" entry points to the dossier wizard', () => {
  it('the household screen links the picker for the household and for each member as applicant', async () => {
    await act(async () => {
      render(<Household householdId={HOUSEHOLD.id} />, root);
    });
    await vi.waitFor(() => expect(root.textContent).toContain(HEAD.full_name));
    const hrefs = links();
    expect(hrefs).toContain(`#/procedures?household=${HOUSEHOLD.id}`);
    expect(hrefs).toContain(`#/procedures?household=${HOUSEHOLD.id}&member=${HEAD.id}`);
  });

  it('the member screen links the picker with that member as applicant', async () => {
    await act(async () => {
      render(<MemberEdit householdId={HOUSEHOLD.id} memberId={HEAD.id} />, root);
    });
    await vi.waitFor(() => expect(root.querySelector('form')).not.toBeNull());
    expect(links()).toEqual([`#/procedures?household=${HOUSEHOLD.id}&member=${HEAD.id}`]);
  });
});
