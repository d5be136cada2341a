// The entry point: 'dropnet/tfjs' is its own export of the package, mapped like the main entry
// (types + default, so `import` and Node's require() of the ES module both resolve it); and
// importing 'dropnet' loads no module of lib/tfjs, so the tfjs surface costs nothing unless used.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The file URLs an ES import of `entry` (a path under the repo) resolves, in a fresh process. */
function loaded(entry: string): string[] {
  const trace = join(mkdtempSync(join(tmpdir(), 'dropnet-trace-')), 'trace.txt');
  const script = `await import(${JSON.stringify(join(root, entry))});`;
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      join(root, 'scripts', 'register-ts.mjs'),
      '--import',
      join(root, 'test', 'lib', 'tfjs', 'fixtures', 'trace-hooks.mjs'),
      '--input-type=module',
      '-e',
      script,
    ],
    { encoding: 'utf8', env: { ...process.env, DROPNET_TRACE_FILE: trace, DROPNET_TRACE_HOOKED: '' } },
  );
  expect(r.stderr.replace(/.*ExperimentalWarning.*\n?|.*--trace-warnings.*\n?/g, '')).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(trace, 'utf8').trim().split('\n');
}

describe('dropnet/tfjs entry', () => {
  it("is exported as 'dropnet/tfjs' with the same conditions as the main entry", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    expect(pkg.exports['./tfjs']).toEqual({ types: './dist/tfjs/index.d.ts', default: './dist/tfjs/index.js' });
    expect(Object.keys(pkg.exports['./tfjs']!)).toEqual(Object.keys(pkg.exports['.']!));
    // lib/tfjs/index.ts compiles to the exported path.
    expect([tsconfig.compilerOptions.rootDir, tsconfig.compilerOptions.outDir]).toEqual(['lib', 'dist']);
    expect(readFileSync(join(root, 'lib', 'tfjs', 'index.ts'), 'utf8')).toMatch(/export \{ layers/);
    // Node's require() of an ES module needs a graph without top-level await.
    for (const f of ['index', 'tensor', 'ops', 'methods', 'engine', 'layers', 'modules', 'model', 'train']) {
      expect(readFileSync(join(root, 'lib', 'tfjs', `${f}.ts`), 'utf8'), f).not.toMatch(/^await |^const .* = await /m);
    }
  });

  it("import 'dropnet' loads no module of lib/tfjs", () => {
    const files = loaded('lib/index.ts');
    expect(files.some((f) => f.endsWith('/lib/index.ts'))).toBe(true);
    expect(files.filter((f) => f.includes('/lib/keras/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.includes('/lib/tfjs/'))).toEqual([]);
  });
});
