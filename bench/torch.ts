/**
 * PyTorch as a peer in benchmarks: runs a script from bench/torch/ with Debian's python3 (or
 * DROPNET_TORCH_PYTHON) and parses the JSON it prints. When torch cannot be imported, the
 * benchmarks say so and skip the comparison.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function python(): string {
  if (process.env.DROPNET_TORCH_PYTHON) return process.env.DROPNET_TORCH_PYTHON;
  // Debian's python3-torch installs for the system interpreter, which may not be first on PATH.
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

let cached: { ok: boolean; version: string; reason: string } | undefined;

/** Whether `python3 -c "import torch"` works here, with torch's version or the reason it does not. */
export function torchStatus(): { ok: boolean; version: string; reason: string } {
  if (cached) return cached;
  const r = spawnSync(python(), ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  cached =
    r.status === 0
      ? { ok: true, version: r.stdout.trim(), reason: '' }
      : {
          ok: false,
          version: '',
          reason: (r.stderr || String(r.error ?? 'python3 not found')).trim().split('\n').at(-1) ?? '',
        };
  return cached;
}

/** Runs bench/torch/<script> with JSON arguments; returns its JSON output. Throws on failure. */
export function runTorch<T>(script: string, args: unknown): T {
  const r = spawnSync(python(), [join(here, 'torch', script), JSON.stringify(args)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench/torch/${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
