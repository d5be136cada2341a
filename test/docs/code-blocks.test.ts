// Every code block of README.md and docs/*.md runs as written, against the built package, from a
// separate directory that depends on it (node_modules/dropnet is a link to this checkout), as a
// user's app would. The rule, by the fence's language:
//   js, javascript            executed with node: an ES module (.mjs), or CommonJS (.cjs) when it calls require()
//   ts, typescript            type-checked with tsc (strict, NodeNext), all blocks in one program
//   sh, bash, console, text   commands and output: not run
//   python                    the Python side (serving, PyTorch): not run here
// A fence without a language, or with another one, fails the test: every block says what it is.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const RUN = ['js', 'javascript'];
const CHECK = ['ts', 'typescript'];
const SKIP = ['sh', 'bash', 'console', 'text', 'python'];

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
}

function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    out.push({ file, line: start + 1, lang: open[1]!.trim(), code: body.join('\n') });
  }
  return out;
}

const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const blocks = files.flatMap(blocksOf);
const label = (b: Block): string => `${b.file}:${b.line}`;
let app = '';

beforeAll(async () => {
  // The package as installed: dist/ compiled from lib/, reached through node_modules/dropnet.
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root });
  app = mkdtempSync(join(tmpdir(), 'dropnet-docs-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules/dropnet'), 'dir');
  // The runtime docs/scale.md serves an exported model with, installed beside dropnet as an app would.
  symlinkSync(join(root, 'node_modules/onnxruntime-web'), join(app, 'node_modules/onnxruntime-web'), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'docs-app', private: true, type: 'module' }));
}, 300_000);

afterAll(() => {
  if (app !== '') rmSync(app, { recursive: true, force: true });
});

describe('code blocks', () => {
  it('each says what it is (a known language)', () => {
    const unknown = blocks.filter((b) => ![...RUN, ...CHECK, ...SKIP].includes(b.lang)).map((b) => `${label(b)} "${b.lang}"`);
    expect(unknown).toEqual([]);
    expect(blocks.filter((b) => RUN.includes(b.lang)).length).toBeGreaterThanOrEqual(8);
  });

  it.each(blocks.filter((b) => RUN.includes(b.lang)).map((b) => [label(b), b] as const))('%s runs', async (_name, b) => {
    const ext = /\brequire\(/.test(b.code) ? 'cjs' : 'mjs';
    const file = join(app, `${b.file.replace(/[/.]/g, '_')}_${b.line}.${ext}`);
    writeFileSync(file, `${b.code}\n`);
    try {
      await run(process.execPath, [file], { cwd: app, timeout: 240_000 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`${label(b)} failed:\n${err.stderr ?? err.message}`, { cause: e });
    }
  }, 300_000);

  it('the TypeScript blocks type-check', async () => {
    const ts = blocks.filter((b) => CHECK.includes(b.lang));
    expect(ts.length).toBeGreaterThan(0);
    const names = ts.map((b) => {
      const name = `${b.file.replace(/[/.]/g, '_')}_${b.line}.ts`;
      writeFileSync(join(app, name), `${b.code}\nexport {};\n`);
      return name;
    });
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
        skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')],
      },
      files: names,
    }));
    try {
      await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { cwd: app });
    } catch (e) {
      throw new Error(`TypeScript blocks do not type-check:\n${(e as { stdout?: string }).stdout ?? String(e)}`, { cause: e });
    }
  }, 300_000);

  it("the README's links to docs/ lead to pages that exist", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((docs\/[^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThanOrEqual(8);
    for (const link of links) expect(() => readFileSync(join(root, link))).not.toThrow();
  });
});
