/**
 * The text rule every free-text field obeys (sync/SPEC.md §TXT), twin of sync/text.py.
 * Checks never throw: they return the first issue or null. Indices count code points.
 */

export interface TextIssue {
  readonly code: 'control_char' | 'lone_surrogate';
  readonly index: number;
  readonly path: string;
}

/** TXT4: the one definition of the member and household text limits (code points). */
export const TEXT_LIMITS = {
  'household.address': 300,
  'household.notes': 2000,
  'member.full_name': 120,
  'member.ethnicity': 40,
  'member.notes': 2000,
} as const;

export const TEXT_MESSAGES: Readonly<Record<TextIssue['code'], readonly [string, string]>> = {
  control_char: [
    'Không được chứa ký tự điều khiển (chỉ cho phép xuống dòng và tab).',
    'Must not contain control characters (only newline and tab are allowed).',
  ],
  lone_surrogate: ['Chứa ký tự Unicode không hợp lệ.', 'Contains an invalid Unicode character (a lone surrogate).'],
};

/** TXT1: C0 controls except tab and newline, DEL and the C1 controls. */
export function isForbidden(codePoint: number): boolean {
  if (codePoint < 0x20) return codePoint !== 0x09 && codePoint !== 0x0a;
  return codePoint >= 0x7f && codePoint <= 0x9f;
}

/** TXT1/TXT2: the first forbidden code point of `text`, or null. */
export function textIssue(text: string, path = ''): TextIssue | null {
  let index = 0;
  // for…of walks code points; a lone surrogate comes out as itself.
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isForbidden(cp)) return { code: 'control_char', index, path };
    if (cp >= 0xd800 && cp <= 0xdfff) return { code: 'lone_surrogate', index, path };
    index++;
  }
  return null;
}

/** TXT3: the first string (object key or value) inside a JSON value that breaks the rule. */
export function findBadText(value: unknown, path = ''): TextIssue | null {
  if (typeof value === 'string') return textIssue(value, path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // Default string order is UTF-16 code-unit order, as the spec asks.
    for (const key of Object.keys(obj).sort()) {
      const inner = path ? `${path}.${key}` : key;
      const found = textIssue(key, inner) ?? findBadText(obj[key], inner);
      if (found) return found;
    }
  }
  return null;
}
