// `npm run fuzz`: the public-API fuzzer and the native-against-reference differential tester.
//   npm run fuzz                  the long run (api: 20,000 calls; diff: 2,000 cases per ISA)
//   npm run fuzz -- --quick       the CI run (about a minute: 1,000 calls, 150 cases per ISA)
//   npm run fuzz -- --asan        against the sanitizer build in build-asan/ (npm run test:asan builds it)
//   npm run fuzz -- --seed 7      another seed (the default is the day of the year, so runs vary)
// Exits non-zero if either finds an engine error, a mismatch, a crash or a hang.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, root } from './driver.mjs';

const dayOfYear = Math.floor((Date.now() - Date.UTC(new Date().getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
const o = parseArgs(process.argv.slice(2), { seed: dayOfYear, quick: false, asan: false });
const calls = o.calls ?? (o.quick ? 1000 : 20_000);
const cases = o.cases ?? (o.quick ? 150 : 2000);
const env = { ...process.env };
if (o.asan) {
  const lib = (name) => execFileSync('g++', [`-print-file-name=${name}`], { encoding: 'utf8' }).trim();
  Object.assign(env, {
    DROPNET_ADDON_PATH: join(root, 'build-asan', 'Release', 'dropnet.node'),
    DROPNET_BACKEND: 'native',
    LD_PRELOAD: `${lib('libasan.so')} ${lib('libubsan.so')}`,
    ASAN_OPTIONS: 'detect_leaks=0',
    UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  });
}
let failed = false;
for (const [script, args] of [
  ['api.mjs', ['--calls', String(calls), '--seed', String(o.seed)]],
  ['diff.mjs', ['--cases', String(cases), '--seed', String(o.seed)]],
]) {
  console.log(`\n--- ${script} ${args.join(' ')}${o.asan ? ' (sanitizer build)' : ''}`);
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'fuzz', script), ...args], { stdio: 'inherit', env });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
