#!/usr/bin/env node
// `npm run lint`: eslint (mistakes in TypeScript/JavaScript), prettier --check (their layout) and
// clang-format --dry-run (the layout of native/). `npm run format` (`--fix`) rewrites instead.
// clang-format is Debian's `clang-format` package; without it the C++ check fails with that advice.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const fix = process.argv.includes('--fix');
const unknown = process.argv.slice(2).filter((a) => a !== '--fix');
if (unknown.length > 0) {
  console.error(`lint: unknown argument ${unknown[0]} (takes only --fix)`);
  process.exit(2);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.error) return r.error;
  return r.status === 0 ? null : new Error(`${cmd} exited with ${r.status}`);
}

function cppFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return cppFiles(p);
    return /\.(cc|h|inc)$/.test(e.name) ? [p] : [];
  });
}

const failures = [];
const eslint = run('npx', ['--no-install', 'eslint', ...(fix ? ['--fix'] : []), '.']);
if (eslint) failures.push(`eslint: ${eslint.message}`);
const prettier = run('npx', ['--no-install', 'prettier', fix ? '--write' : '--check', '--log-level', 'warn', '.']);
if (prettier) failures.push(`prettier: ${prettier.message} (npm run format rewrites the files)`);
const cpp = cppFiles('native');
const clang = run('clang-format', [...(fix ? ['-i'] : ['--dry-run', '--Werror']), ...cpp]);
if (clang) {
  const missing = clang.code === 'ENOENT';
  failures.push(
    missing
      ? 'clang-format: not installed (Debian: apt-get install clang-format)'
      : `clang-format: ${clang.message} (npm run format rewrites the files)`,
  );
}
if (failures.length > 0) {
  console.error(`\nlint failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(fix ? 'formatted' : 'lint clean');
