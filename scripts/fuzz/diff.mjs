// Differential tester: each native kernel against the reference backend on random valid shapes
// (scripts/fuzz/kernels.mjs), for every ISA (a child per ISA, under DROPNET_ISA) and several
// thread counts. Native outputs are written between guard zones at misaligned offsets (a write
// outside an output is a finding), and must be bit-identical across thread counts.
//   node scripts/fuzz/diff.mjs [--seed S] [--cases N] [--threads 1,2,3] [--replay I --isa X]
// Prints the counts and, for each finding, the command that replays it.
import { fileURLToPath } from 'node:url';
import { emit, parseArgs, root, runCases } from './driver.mjs';
import { buildCase, kernelNames } from './kernels.mjs';
import { rngFor } from './rng.mjs';

const GUARD = 16; // elements of guard zone on each side
const GUARD_BITS = 0x7fc0dead; // a NaN no kernel writes

/** A copy of typed array `a` at element offset `off` inside guard zones. */
function guarded(a, off) {
  const Ctor = a.constructor;
  const big = new Ctor(a.length + 2 * GUARD + off);
  new Uint32Array(big.buffer).fill(GUARD_BITS);
  const view = big.subarray(GUARD + off, GUARD + off + a.length);
  view.set(a);
  return { big, view, off };
}

function guardsIntact({ big, view, off }) {
  const words = new Uint32Array(big.buffer);
  for (let i = 0; i < GUARD + off; i++) if (words[i] !== GUARD_BITS) return false;
  for (let i = GUARD + off + view.length; i < words.length; i++) if (words[i] !== GUARD_BITS) return false;
  return true;
}

const copyArg = (a) => (ArrayBuffer.isView(a) ? a.slice() : a !== null && typeof a === 'object' ? { ...a } : a);
const sameBits = (a, b) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function close(a, b, exact) {
  if (a.length !== b.length) return 'length';
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `element ${i}: ${x} vs ${y}`;
      continue;
    }
    if (exact ? x !== y : Math.abs(x - y) > 2e-3 + 2e-3 * Math.abs(y))
      return `element ${i}: native ${x} vs reference ${y}`;
  }
  return null;
}

async function child(o) {
  const { kernels, nativeAvailable } = await import('../../lib/index.ts');
  if (!nativeAvailable()) throw new Error('diff.mjs needs the native addon');
  const native = kernels('native'),
    js = kernels('js');
  const threads = String(o.threads).split(',').map(Number);
  for (let i = o.from; i < o.to; i++) {
    emit(`S ${i}`);
    const r = rngFor(o.seed, i);
    const name = kernelNames[i % kernelNames.length];
    const c = buildCase(r, name);
    if (c === null) {
      emit(`R ${i} skipped ${name}`);
      continue;
    }
    const refArgs = c.args.map(copyArg);
    let refErr = null,
      refRet;
    try {
      refRet = js[name](...refArgs);
    } catch (e) {
      refErr = e;
    }
    let verdict = null;
    let first = null;
    for (const t of threads) {
      native.setNumThreads(t);
      const slots = c.args.map((a) => (ArrayBuffer.isView(a) ? guarded(a, r.int(0, 3)) : null));
      const args = c.args.map((a, j) => (slots[j] ? slots[j].view : copyArg(a)));
      let err = null,
        ret;
      try {
        ret = native[name](...args);
      } catch (e) {
        err = e;
      }
      if ((err === null) !== (refErr === null) || (err && err.constructor !== refErr.constructor)) {
        verdict = `mismatch threads=${t}: native ${err ? err.constructor.name + ': ' + err.message : 'ok'} vs reference ${refErr ? refErr.constructor.name + ': ' + refErr.message : 'ok'}`;
        break;
      }
      if (slots.some((s) => s && !guardsIntact(s))) {
        verdict = `oob threads=${t}: a write outside an array`;
        break;
      }
      if (err) continue;
      const outs = c.outputs.filter((j) => args[j] !== null).map((j) => args[j]);
      if (c.returns) outs.push(Float64Array.of(ret));
      if (first === null) {
        first = outs;
        const refOuts = c.outputs.filter((j) => refArgs[j] !== null).map((j) => refArgs[j]);
        if (c.returns) refOuts.push(Float64Array.of(refRet));
        for (let k = 0; k < outs.length && verdict === null; k++) {
          const why = close(outs[k], refOuts[k], c.exact && !(outs[k] instanceof Float64Array));
          if (why) verdict = `mismatch output ${k}: ${why}`;
        }
      } else {
        for (let k = 0; k < outs.length && verdict === null; k++)
          if (!sameBits(outs[k], first[k]))
            verdict = `threads: output ${k} differs between ${threads[0]} and ${t} threads`;
      }
      if (verdict) break;
    }
    emit(`R ${i} ${verdict === null ? (refErr ? 'rejected' : 'ok') : 'finding'} ${name} ${verdict ?? ''}`);
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2), { seed: 1, cases: 2000, threads: '1,2,3', timeout: 30_000 });
  if (o.child) return child(o);
  const { createRequire } = await import('node:module');
  const { join } = await import('node:path');
  const addon = createRequire(import.meta.url)(
    process.env.DROPNET_ADDON_PATH ?? join(root, 'build', 'Release', 'dropnet.node'),
  );
  const isas = o.isa ? [o.isa] : addon.availableIsas();
  const from = o.replay ?? 0,
    to = o.replay !== undefined ? o.replay + 1 : o.cases;
  const totals = { cases: 0, ok: 0, rejected: 0, skipped: 0, findings: 0, crashes: 0, hangs: 0 };
  const t0 = Date.now();
  for (const isa of isas) {
    const script = fileURLToPath(import.meta.url);
    const { results, crashes, hangs } = await runCases({
      script,
      from,
      to,
      timeoutMs: o.timeout,
      env: { DROPNET_ISA: isa },
      childArgs: ['--seed', String(o.seed), '--threads', String(o.threads)],
      onResult: (i, r) => {
        if (r.status === 'finding')
          console.log(
            `FINDING isa=${isa} case ${i}: ${r.detail}\n  replay: node scripts/fuzz/diff.mjs --seed ${o.seed} --isa ${isa} --replay ${i}`,
          );
      },
    });
    for (const r of results.values()) totals[r.status === 'finding' ? 'findings' : r.status]++;
    totals.cases += results.size + crashes.length + hangs.length;
    totals.crashes += crashes.length;
    totals.hangs += hangs.length;
    for (const c of crashes)
      console.log(
        `CRASH isa=${isa} case ${c.i}: signal ${c.signal} code ${c.code}\n${c.stderr}\n  replay: node scripts/fuzz/diff.mjs --seed ${o.seed} --isa ${isa} --replay ${c.i}`,
      );
    for (const i of hangs)
      console.log(
        `HANG isa=${isa} case ${i}\n  replay: node scripts/fuzz/diff.mjs --seed ${o.seed} --isa ${isa} --replay ${i}`,
      );
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(
    `diff: seed ${o.seed}, ISAs ${isas.join(',')}, threads ${o.threads}: ${totals.cases} cases (${totals.ok} compared, ${totals.rejected} rejected by both, ${totals.skipped} skipped), ${totals.findings} mismatches, ${totals.crashes} crashes, ${totals.hangs} hangs in ${secs} s`,
  );
  process.exitCode = totals.findings + totals.crashes + totals.hangs > 0 ? 1 : 0;
}

await main();
