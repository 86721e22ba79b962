import { describe, expect, it } from 'vitest';
import { householdSearchKey, matchesTokens, queryTokens, searchKey } from '../src/store/search';

describe('searchKey', () => {
  it.each([
    ['Nguyễn Văn A', 'nguyen van a'],
    ['ĐẶNG THỊ Đào', 'dang thi dao'],
    ['  Trần   Thị\tBích  ', 'tran thi bich'],
    ['Phạm Ngọc Ánh', 'pham ngoc anh'],
    ['Lê Hữu Ước', 'le huu uoc'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(searchKey(input)).toBe(expected);
  });

  it('gives the same key for NFC and NFD input', () => {
    const nfc = 'Nguyễn Thị Hằng'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(searchKey(nfd)).toBe(searchKey(nfc));
  });

  it('is idempotent', () => {
    const once = searchKey('Đoàn Thị Điệp');
    expect(searchKey(once)).toBe(once);
  });
});

describe('token matching', () => {
  const key = householdSearchKey('Nguyễn Văn An', 'Xóm Đồng, thôn 3', ['Trần Thị Bình', 'Nguyễn Văn Cường']);

  it('matches when every token is a substring, in any order', () => {
    expect(matchesTokens(key, queryTokens('cuong nguyen'))).toBe(true);
    expect(matchesTokens(key, queryTokens('Bình'))).toBe(true);
    expect(matchesTokens(key, queryTokens('xom dong'))).toBe(true);
    expect(matchesTokens(key, queryTokens('ngu'))).toBe(true);
  });

  it('fails when any token is missing', () => {
    expect(matchesTokens(key, queryTokens('nguyen hoa'))).toBe(false);
  });

  it('treats an empty query as match-all', () => {
    expect(queryTokens('   ')).toEqual([]);
    expect(matchesTokens(key, [])).toBe(true);
  });
});
