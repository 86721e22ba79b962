// @vitest-environment node
/**
 * The officer console must stay out of the volunteer entry: nothing outside src/officer/ may import
 * it statically (the one dynamic import() in app.tsx is what makes it a separate chunk).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(process.cwd(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('officer chunk isolation', () => {
  it('has no static import of src/officer outside it', () => {
    const offenders = sourceFiles(SRC)
      .filter((f) => !relative(SRC, f).startsWith('officer'))
      .filter((f) => /^\s*import\s[^;]*from\s+['"][^'"]*\/officer(\/[^'"]*)?['"]/m.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('loads the officer console through a dynamic import', () => {
    expect(readFileSync(join(SRC, 'app.tsx'), 'utf8')).toMatch(/import\(\s*['"]\.\/officer\/index['"]\s*\)/);
  });
});
