// The package's install step: build the addon unless a valid one for this Node ABI, platform,
// architecture and these native sources is already in build/Release, so an app's later
// `npm install`s do not recompile it (minutes each). A build uses every core
// (`node-gyp rebuild -j max`).
//
// Valid means: build/Release/dropnet.stamp.json, written after the last successful build,
// matches the current key (Node ABI, platform, arch, a hash of binding.gyp and native/), and the
// addon loads in this Node. Anything else rebuilds. DROPNET_FORCE_BUILD=1 always rebuilds.
//
//   node scripts/install.mjs            check, then build if needed
//   node scripts/install.mjs --check    exit 0 if the built addon is valid, 1 if not (no build)
//   node scripts/install.mjs --force    build whatever is there (npm run build:native)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'dropnet.node');
const stampPath = join(root, 'build', 'Release', 'dropnet.stamp.json');

/** Every file the build reads, in a fixed order. */
function sources(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else out.push(path);
  }
  return out;
}

/** What a built addon must match to be reused. */
export function buildKey() {
  const hash = createHash('sha256');
  for (const path of [join(root, 'binding.gyp'), ...sources(join(root, 'native'))]) {
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  }
  return {
    abi: process.versions.modules,
    napi: process.versions.napi,
    platform: process.platform,
    arch: process.arch,
    sources: hash.digest('hex'),
  };
}

/** Why the built addon cannot be reused, or null when it can. */
export function staleReason(key = buildKey()) {
  if (process.env.DROPNET_FORCE_BUILD === '1') return 'DROPNET_FORCE_BUILD=1';
  if (process.argv.includes('--force')) return '--force';
  if (!existsSync(addon)) return 'no addon built yet';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return 'no build stamp';
  }
  for (const k of Object.keys(key)) if (stamp[k] !== key[k]) return `${k} changed (${stamp[k]} -> ${key[k]})`;
  try {
    createRequire(import.meta.url)(addon);
  } catch (e) {
    return `the addon does not load: ${e.message}`;
  }
  return null;
}

function main() {
  const key = buildKey();
  const reason = staleReason(key);
  if (process.argv.includes('--check')) {
    console.log(reason === null ? 'dropnet: the built addon is valid' : `dropnet: the addon needs a build: ${reason}`);
    process.exit(reason === null ? 0 : 1);
  }
  if (reason === null) {
    console.log(
      `dropnet: reusing build/Release/dropnet.node (Node ABI ${key.abi}, ${key.platform}-${key.arch}, sources unchanged)`,
    );
    return;
  }
  console.log(`dropnet: building the addon (${reason}) with every core`);
  const result = spawnSync('node-gyp', ['rebuild', '-j', 'max'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampPath, `${JSON.stringify(key, null, 2)}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
