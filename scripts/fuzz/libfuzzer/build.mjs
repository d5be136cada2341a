// Builds the libFuzzer harness of the geometry checks (geometry_fuzz.cc) with clang (Debian's
// clang package: `apt-get install clang`) under AddressSanitizer and UndefinedBehaviorSanitizer,
// from the kernel sources listed in native/sources.json, into build-fuzz/; with --run SECONDS it
// then fuzzes for that long (a corpus in build-fuzz/corpus/ carries over between runs).
//   node scripts/fuzz/libfuzzer/build.mjs [--run 60] [--cxx clang++]
// Exits non-zero if the build fails or the fuzzer finds a crash (its input is saved as
// build-fuzz/crash-*; replay it with build-fuzz/geometry_fuzz <file>).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { parseArgs, root } from '../driver.mjs';

const o = parseArgs(process.argv.slice(2), { cxx: 'clang++', run: 0 });
const out = join(root, 'build-fuzz');
mkdirSync(join(out, 'obj'), { recursive: true });
mkdirSync(join(out, 'corpus'), { recursive: true });
const groups = JSON.parse(readFileSync(join(root, 'native', 'sources.json'), 'utf8')).groups;
const cpu = arch() === 'x64' ? 'x64' : arch() === 'arm64' ? 'arm64' : arch();
const common = [
  '-std=c++17',
  '-O1',
  '-g',
  '-fno-omit-frame-pointer',
  '-fsanitize=fuzzer-no-link,address,undefined',
  '-fno-sanitize-recover=undefined',
];
const units = [];
for (const [name, group] of Object.entries(groups)) {
  if (name === 'addon' || (group.arch !== undefined && group.arch !== cpu)) continue;
  const flags = group.flags.filter((f) => f !== '-Wno-maybe-uninitialized');
  for (const src of group.sources) units.push({ src, flags });
}
units.push({ src: 'native/addon/geometry.cc', flags: [] });
units.push({ src: 'scripts/fuzz/libfuzzer/geometry_fuzz.cc', flags: [] });

const objects = [];
for (const u of units) {
  const obj = join(out, 'obj', u.src.replace(/[/.]/g, '_') + '.o');
  objects.push(obj);
  const r = spawnSync(o.cxx, [...common, ...u.flags, '-c', join(root, u.src), '-o', obj], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const bin = join(out, 'geometry_fuzz');
const link = spawnSync(o.cxx, ['-fsanitize=fuzzer,address,undefined', ...objects, '-lpthread', '-o', bin], {
  stdio: 'inherit',
});
if (link.status !== 0) process.exit(link.status ?? 1);
console.log(`built ${bin} from ${units.length} sources`);
if (o.run > 0) {
  const r = spawnSync(
    bin,
    [
      `-max_total_time=${o.run}`,
      '-max_len=256',
      '-timeout=20',
      `-artifact_prefix=${out}/`,
      '-print_final_stats=1',
      join(out, 'corpus'),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
    },
  );
  process.exit(r.status ?? 1);
}
