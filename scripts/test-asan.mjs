// `npm run test:asan`: builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer into
// build-asan/ (cmake-js) and runs the native tests against it, with the runtime preloaded as
// the toolchain requires. The normal build in build/ is left alone.
import { execFileSync, spawnSync } from 'node:child_process';

const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('npx', ['cmake-js', 'rebuild', '-O', 'build-asan', '--CDDN_SANITIZE=ON']);
const asan = execFileSync('g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
const ubsan = execFileSync('g++', ['-print-file-name=libubsan.so'], { encoding: 'utf8' }).trim();
run('npx', ['vitest', 'run', 'test/native', ...process.argv.slice(2)], {
  ...process.env,
  DROPNET_ADDON_PATH: `${process.cwd()}/build-asan/Release/dropnet.node`,
  DROPNET_BACKEND: 'native',
  LD_PRELOAD: `${asan} ${ubsan}`,
  ASAN_OPTIONS: 'detect_leaks=0',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
});
