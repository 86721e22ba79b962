import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entryFiles, gzipSize, measure } from '../scripts/budget-lib.mjs';

const MANIFEST = {
  'index.html': {
    file: 'assets/index-a.js',
    isEntry: true,
    imports: ['_vendor.js'],
    dynamicImports: ['src/officer/index.tsx'],
    css: ['assets/index-a.css'],
  },
  '_vendor.js': { file: 'assets/vendor-b.js', imports: ['_shared.js'] },
  '_shared.js': { file: 'assets/shared-c.js' },
  'src/officer/index.tsx': { file: 'assets/officer-d.js', isDynamicEntry: true, imports: ['index.html', '_officer-only.js'] },
  '_officer-only.js': { file: 'assets/officer-only-e.js' },
};

describe('entryFiles', () => {
  it('follows static imports transitively and skips dynamic ones', () => {
    expect(entryFiles(MANIFEST)).toEqual(['assets/index-a.js', 'assets/vendor-b.js', 'assets/shared-c.js']);
  });

  it('reports a dangling import instead of under-counting', () => {
    expect(() => entryFiles({ 'index.html': { file: 'a.js', isEntry: true, imports: ['_missing.js'] } })).toThrow(/_missing/);
  });
});

describe('measure', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function writeDist(sizes: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'langso-budget-'));
    mkdirSync(join(dir, '.vite'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
    for (const [file, content] of Object.entries(sizes)) writeFileSync(join(dir, file), content);
    return dir;
  }

  it('sums gzip sizes of the entry graph only and compares with the budget', () => {
    const files = {
      'assets/index-a.js': 'console.log("entry");'.repeat(50),
      'assets/vendor-b.js': 'export const v = 1;',
      'assets/shared-c.js': 'export const s = 2;',
      'assets/officer-d.js': 'x'.repeat(5000),
      'assets/officer-only-e.js': 'y',
      'assets/index-a.css': 'body{}',
    };
    const d = writeDist(files);
    const expected = ['assets/index-a.js', 'assets/vendor-b.js', 'assets/shared-c.js']
      .map((f) => gzipSize(Buffer.from(files[f as keyof typeof files])))
      .reduce((a, b) => a + b, 0);

    const result = measure(d, expected);
    expect(result.total).toBe(expected);
    expect(result.ok).toBe(true);
    expect(result.others.map((o) => o.file).sort()).toEqual(['assets/officer-d.js', 'assets/officer-only-e.js']);
    expect(measure(d, expected - 1).ok).toBe(false);
  });
});
