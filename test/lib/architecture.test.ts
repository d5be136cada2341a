/**
 * Arrows only point down: every import in lib/ (type-only imports and re-exports included) goes
 * to a file of the same layer or a lower one. The order, bottom up, is written in
 * docs/architecture.md; a file in no layer fails here until it is placed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lib');

/** Bottom up; a path is in the first layer with a matching prefix (a folder ends in '/'). */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'shape.ts', 'args.ts'],
  ['backend/', 'random.ts'],
  ['tensor.ts', 'tensor/', 'autograd/'],
  ['ops/', 'data/', 'io/', 'report/'],
  ['nn/'],
  ['train/'],
  ['keras/'],
  ['index.ts', 'io-api.ts', 'tfjs/', 'cli/'],
];

function layerOf(path: string): number {
  const i = LAYERS.findIndex((prefixes) => prefixes.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p)));
  if (i < 0)
    throw new Error(
      `lib/${path} is in no layer: place it in LAYERS (test/lib/architecture.test.ts) and docs/architecture.md`,
    );
  return i;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [relative(lib, full).split('\\').join('/')] : [];
  });
}

/** The relative specifiers a file imports or re-exports: static, type-only, side-effect and dynamic. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s+'(\.[^']*)'/g, /\bimport\s+'(\.[^']*)'/g, /\bimport\(\s*'(\.[^']*)'\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

/** lib-relative path of an import specifier ('../nn/module.js' from 'train/fit.ts' → 'nn/module.ts'). */
function resolve(from: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
}

/** Every import that points up, as "from → to (layer a < layer b)". */
function upwardImports(files: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const specifier of importsOf(text)) {
      const target = resolve(file, specifier);
      if (target.startsWith('../')) continue;
      const [a, b] = [layerOf(file), layerOf(target)];
      if (b > a)
        out.push(
          `lib/${file} imports lib/${target} (layer ${a} → ${b}: ${LAYERS[a]!.join(' ')} → ${LAYERS[b]!.join(' ')})`,
        );
    }
  }
  return out;
}

describe('import direction', () => {
  const files = Object.fromEntries(sources(lib).map((f) => [f, readFileSync(join(lib, f), 'utf8')]));

  it('places every file of lib/ in a layer', () => {
    expect(Object.keys(files).length).toBeGreaterThan(100);
    for (const f of Object.keys(files)) expect(layerOf(f)).toBeGreaterThanOrEqual(0);
  });

  it('finds the imports of each form, and flags one that points up', () => {
    const text =
      "import { a } from '../nn/module.js';\nimport type { B } from './b.js';\nexport * from '../train/fit.js';\nimport './side.js';\nconst m = await import('../keras/index.js');\n";
    expect(importsOf(text).sort()).toEqual([
      '../keras/index.js',
      '../nn/module.js',
      '../train/fit.js',
      './b.js',
      './side.js',
    ]);
    expect(upwardImports({ 'nn/x.ts': text })).toEqual([
      'lib/nn/x.ts imports lib/train/fit.ts (layer 4 → 5: nn/ → train/)',
      'lib/nn/x.ts imports lib/keras/index.ts (layer 4 → 6: nn/ → keras/)',
    ]);
  });

  it('no file imports a higher layer', () => {
    expect(upwardImports(files)).toEqual([]);
  });
});
