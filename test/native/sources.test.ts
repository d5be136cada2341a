// native/sources.json is the one list both build systems read: every .cc under native/ must be
// in exactly one group, every listed file must exist, and no build file may ask for flags that
// make the binary CPU-specific or change the process's floating-point mode.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const sources = JSON.parse(readFileSync(join(root, 'native', 'sources.json'), 'utf8')) as {
  groups: Record<string, { sources: string[]; flags: string[]; arch?: string; define?: string }>;
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const ccFiles = walk(join(root, 'native'))
  .filter((f) => f.endsWith('.cc'))
  .map((f) => relative(root, f).split('\\').join('/'));

describe('native/sources.json', () => {
  it('lists every .cc file under native/ in exactly one group', () => {
    const groupsOf = new Map<string, string[]>();
    for (const [group, g] of Object.entries(sources.groups)) {
      for (const s of g.sources) groupsOf.set(s, [...(groupsOf.get(s) ?? []), group]);
    }
    const inNone = ccFiles.filter((f) => !groupsOf.has(f));
    const inSeveral = [...groupsOf].filter(([, gs]) => gs.length > 1).map(([f, gs]) => `${f}: ${gs.join(', ')}`);
    expect(inNone, 'files in no group').toEqual([]);
    expect(inSeveral, 'files in more than one group').toEqual([]);
  });

  it('lists only files that exist', () => {
    const listed = Object.values(sources.groups).flatMap((g) => g.sources);
    expect(listed.filter((f) => !ccFiles.includes(f))).toEqual([]);
  });

  it('gives each ISA group its architecture, define and flags', () => {
    expect(sources.groups.avx2?.flags).toEqual(expect.arrayContaining(['-mavx2', '-mfma']));
    expect(sources.groups.avx512?.flags).toEqual(
      expect.arrayContaining(['-mavx512f', '-mavx512bw', '-mavx512dq', '-mavx512vl']),
    );
    for (const isa of ['avx2', 'avx512', 'neon']) {
      expect(sources.groups[isa]?.arch, isa).toMatch(/^(x64|arm64)$/);
      expect(sources.groups[isa]?.define, isa).toMatch(/^DN_HAVE_/);
    }
    expect(sources.groups.core?.flags).toEqual([]);
    expect(sources.groups.addon?.flags).toEqual([]);
    expect(sources.groups.bench?.flags).toEqual([]);
  });

  it('keeps ISA-specific files out of the baseline groups', () => {
    const baseline = [
      ...sources.groups.core!.sources,
      ...sources.groups.bench!.sources,
      ...sources.groups.addon!.sources,
    ];
    expect(baseline.filter((f) => /_(avx2|avx512|neon)[._]/.test(f))).toEqual([]);
  });

  it.each(['binding.gyp', 'CMakeLists.txt', 'native/sources.json'])(
    '%s never asks for -march=native or -ffast-math',
    (file) => {
      // Comments may name the flags to forbid them; only non-comment lines count.
      const text = readFileSync(join(root, file), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*#/.test(line) && !line.includes('"//"'))
        .join('\n');
      expect(text).not.toMatch(/-march=native|-ffast-math|-Ofast/);
    },
  );
});
