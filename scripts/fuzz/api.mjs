// Public-API fuzzer: random near-valid calls with hostile leaves. A case takes a valid call (a
// raw kernel from kernels.mjs, or an op, loss, factory, layer or optimizer call) and replaces one
// to three of its leaves with something hostile: a getter or Proxy that detaches or shrinks the
// call's arrays, a detached or resizable buffer, NaN, infinities, huge, negative or fractional
// sizes, wrong types. A case passes if the call returns or throws one of the library's errors;
// an engine error from inside the library (x is not a function, Invalid array length ...) is a
// finding, and so is a crash or a hang, caught by running batches in child processes.
//   node scripts/fuzz/api.mjs [--seed S] [--calls N] [--timeout MS] [--replay I]
import { fileURLToPath } from 'node:url';
import { emit, parseArgs, runCases } from './driver.mjs';
import { buildCase, kernelNames } from './kernels.mjs';
import { rngFor } from './rng.mjs';

/** Engine messages that mean a value reached code that never checked it. */
const FOREIGN =
  /is not (a function|iterable|a constructor|defined)|Cannot (read|set) propert|Cannot convert|Invalid (array|typed array) length|Maximum call stack|Array buffer allocation failed|Cannot mix BigInt|out of memory|Cannot perform .* on a detached/;

function hostileNumber(r) {
  return r.pick([
    NaN,
    Infinity,
    -Infinity,
    -1,
    -0,
    0.5,
    1.5,
    2 ** 31,
    2 ** 32 + 1,
    2 ** 40,
    2 ** 53,
    2 ** 64,
    Number.MAX_VALUE,
    1e-320,
    '3',
    null,
    undefined,
    true,
    3n,
    {},
    [],
    [1],
    { valueOf: () => 2 },
    Symbol('s'),
  ]);
}

/** A leaf to put in place of a value of the call. ctx.arrays: the call's typed arrays. */
function hostileLeaf(r, ctx) {
  const arr = () => r.pick(ctx.arrays.length > 0 ? ctx.arrays : [new Float32Array(4)]);
  const kinds = [
    () => hostileNumber(r),
    () => new Float64Array(4),
    () => new BigUint64Array(2),
    () => {
      const a = new Float32Array(8);
      structuredClone(a.buffer, { transfer: [a.buffer] });
      return a;
    },
    () => new Float32Array(new ArrayBuffer(64, { maxByteLength: 64 })),
    () => new Float32Array(new SharedArrayBuffer(64)),
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      ),
    () =>
      new Proxy(
        {},
        {
          get(_t, key) {
            const a = arr();
            if (a.buffer.resizable) a.buffer.resize(0);
            else if (!(a.buffer instanceof SharedArrayBuffer) && a.buffer.byteLength > 0)
              structuredClone(a.buffer, { transfer: [a.buffer] });
            return key === 'groups' ? 1 : 1;
          },
        },
      ),
    () => 'a string',
    () => null,
    () => undefined,
  ];
  return r.pick(kinds)();
}

/** Moves some of the case's typed arrays onto resizable buffers (so getters can shrink them). */
function resizableCopies(r, args) {
  return args.map((a) => {
    if (!ArrayBuffer.isView(a) || !r.chance(0.3)) return a;
    const buf = new ArrayBuffer(a.byteLength, { maxByteLength: a.byteLength + 64 });
    const b = new a.constructor(buf);
    b.set(a);
    return b;
  });
}

/** Replaces a property of an options/geometry object with a getter that shrinks or detaches an array. */
function poisonObject(r, obj, ctx) {
  const keys = Object.keys(obj);
  if (keys.length === 0) return obj;
  const key = r.pick(keys);
  const value = obj[key];
  const out = { ...obj };
  const action = r.int(0, 3);
  Object.defineProperty(out, key, {
    enumerable: true,
    get() {
      const a = ctx.arrays.length > 0 ? r.pick(ctx.arrays) : null;
      if (a !== null) {
        if (action === 0 && a.buffer.resizable) a.buffer.resize(r.pick([0, 4, Math.max(0, a.byteLength - 4)]));
        else if (
          action === 1 &&
          !(a.buffer instanceof SharedArrayBuffer) &&
          !a.buffer.resizable &&
          a.buffer.byteLength > 0
        )
          structuredClone(a.buffer, { transfer: [a.buffer] });
      }
      return action === 3 ? hostileNumber(r) : value;
    },
  });
  return out;
}

function kernelCase(r, lib) {
  const backend = r.chance(0.8) && lib.nativeAvailable() ? 'native' : 'js';
  const name = r.pick(kernelNames);
  const c = buildCase(r, name);
  if (c === null) return null;
  const args = resizableCopies(r, c.args);
  const ctx = { arrays: args.filter((a) => ArrayBuffer.isView(a)) };
  const mutations = r.int(0, 3);
  for (let m = 0; m < mutations; m++) {
    const j = r.int(0, args.length - 1);
    const a = args[j];
    if (a !== null && typeof a === 'object' && !ArrayBuffer.isView(a) && r.chance(0.6))
      args[j] = poisonObject(r, a, ctx);
    else if (typeof a === 'object' && a !== null && !ArrayBuffer.isView(a) && r.chance(0.5))
      args[j] = { ...a, [r.pick(Object.keys(a))]: hostileNumber(r) };
    else args[j] = hostileLeaf(r, ctx);
  }
  if (r.chance(0.05)) args.push(0); // one argument too many
  const k = lib.kernels(backend);
  return { label: `kernels('${backend}').${name}`, run: () => k[name](...args) };
}

function tensorLeaf(r, lib, shape) {
  const { tensor, zeros } = lib;
  const pick = r.int(0, 9);
  if (pick === 0) {
    const t = zeros(shape);
    if (t.data.buffer.byteLength > 0) structuredClone(t.data.buffer, { transfer: [t.data.buffer] });
    return t;
  }
  if (pick === 1) {
    const n = shape.reduce((a, b) => a * b, 1);
    const buf = new ArrayBuffer(n * 4, { maxByteLength: n * 4 + 16 });
    const t = tensor(new Float32Array(buf), shape);
    buf.resize(Math.max(0, n * 4 - 4));
    return t;
  }
  if (pick === 2)
    return zeros(
      r.pick([
        [0, 2 ** 40],
        [2 ** 40, 0],
        [2 ** 20, 0, 2 ** 20],
        [0, 3, 2 ** 30, 1],
      ]),
    );
  if (pick === 3) return hostileLeaf(r, { arrays: [] });
  const t = lib.tensor(
    r.floats(
      shape.reduce((a, b) => a * b, 1),
      -3,
      3,
    ),
    shape,
  );
  if (pick === 4) t.data[0] = r.pick([NaN, Infinity, -Infinity]);
  return t;
}

function apiCase(r, lib) {
  const { ops, losses } = lib;
  const shape = Array.from({ length: r.int(1, 4) }, () => r.int(1, 4));
  const x = () => tensorLeaf(r, lib, shape);
  const n = () => (r.chance(0.7) ? r.int(-3, 3) : hostileNumber(r));
  const opts = (o) =>
    r.chance(0.5)
      ? o
      : r.chance(0.5)
        ? poisonObject(r, o, { arrays: [] })
        : { ...o, [r.pick(Object.keys(o))]: hostileNumber(r) };
  const calls = [
    [
      'tensor',
      () =>
        lib.tensor(
          r.pick([
            [1, [2]],
            [[1, 2], [3]],
            ['a'],
            { length: r.pick([-1, 2 ** 60, 1.5, 3]) },
            new BigUint64Array(2),
            [[NaN]],
            r.floats(3),
          ]),
        ),
    ],
    ['zeros', () => lib.zeros(r.pick([[n(), n()], [2 ** 30, 2 ** 30], [-1], [1.5], 'abc', [2 ** 53]]))],
    ['randn', () => lib.randn([2, 2], r.pick([null, undefined, {}, { generator: 3 }, opts({ requiresGrad: true })]))],
    ['rand', () => lib.rand([3], r.pick([null, { generator: new lib.Generator(1) }, { requiresGrad: 'yes' }]))],
    ['sum', () => ops.sum(x(), r.chance(0.5) ? undefined : n())],
    ['mean', () => ops.mean(x(), r.chance(0.5) ? undefined : n())],
    ['softmax', () => ops.softmax(x(), n())],
    ['logSoftmax', () => ops.logSoftmax(x(), n())],
    ['transpose', () => ops.transpose(x(), n(), n())],
    ['reshape', () => ops.reshape(x(), r.pick([[-1], [n(), -1], [-1, -1], shape]))],
    ['concat', () => ops.concat(r.pick([[x(), x()], [], [x()], x(), null]), n())],
    ['gather', () => ops.gather(x(), n(), x())],
    ['add', () => ops.add(x(), r.chance(0.5) ? x() : n())],
    ['matmul', () => ops.matmul(x(), x())],
    ['linear', () => ops.linear(x(), x(), r.chance(0.5) ? null : x())],
    ['relu', () => ops.relu(x())],
    ['clamp', () => ops.clamp(x(), n(), n())],
    ['dropout', () => ops.dropout(x(), opts({ p: r.next(), training: true }))],
    ['dropout2d', () => ops.dropout2d(x(), opts({ p: r.next(), training: true }))],
    ['alphaDropout', () => ops.alphaDropout(x(), opts({ p: r.next(), training: true }))],
    ['gaussianDropout', () => ops.gaussianDropout(x(), opts({ rate: r.next(), training: true }))],
    [
      'dropConnectLinear',
      () => ops.dropConnectLinear(x(), x(), r.pick([null, x(), [1, 2]]), opts({ p: 0.5, training: true })),
    ],
    [
      'conv2d',
      () =>
        ops.conv2d(
          tensorLeaf(r, lib, [1, 2, 5, 5]),
          tensorLeaf(r, lib, [3, 2, 3, 3]),
          null,
          opts({ padding: r.pick([1, 'same', true, [1, 2], [1, 1, 1]]), stride: r.pick([1, 2, 0, [1, 2]]) }),
        ),
    ],
    [
      'conv1d',
      () =>
        ops.conv1d(
          tensorLeaf(r, lib, [1, 2, 7]),
          tensorLeaf(r, lib, [3, 2, 3]),
          null,
          opts({ padding: r.pick([1, true, 'valid', -1]) }),
        ),
    ],
    [
      'maxPool2d',
      () =>
        ops.maxPool2d(
          tensorLeaf(r, lib, [1, 2, 6, 6]),
          opts({ kernelSize: r.pick([2, 0, [2, 3], 7]), stride: r.pick([1, 2, undefined]) }),
        ),
    ],
    [
      'avgPool2d',
      () => ops.avgPool2d(tensorLeaf(r, lib, [1, 2, 6, 6]), opts({ kernelSize: 2, padding: r.pick([0, 1, 2]) })),
    ],
    ['batchNorm', () => ops.batchNorm(tensorLeaf(r, lib, [2, 3]), opts({ training: true }))],
    ['mseLoss', () => losses.mseLoss(x(), x())],
    [
      'crossEntropy',
      () =>
        losses.crossEntropy(
          tensorLeaf(r, lib, [2, 3]),
          r.pick([[0, 2], [0, 5], [-1, 0], x(), Int32Array.of(1, 1), null]),
          r.chance(0.5) ? undefined : opts({ labelSmoothing: 0.1 }),
        ),
    ],
    [
      'clipGradNorm',
      () => lib.optim.clipGradNorm(r.pick([null, [], [{ data: new Float32Array(2), grad: x() }], 3]), n()),
    ],
    ['Generator.normal', () => new lib.Generator(1).normal(r.pick([new Float32Array(3), [1, 2], null]), n(), n())],
    ['Generator.uniform', () => new lib.Generator(1).uniform(new Float32Array(3), n(), n())],
    ['Linear.forward', () => new lib.nn.Linear(r.pick([3, 0, -1, 1.5]), 2).forward(tensorLeaf(r, lib, [2, 3]))],
    [
      'SGD.step',
      () => {
        const layer = new lib.nn.Linear(3, 2);
        const opt = new lib.optim.SGD(layer.parameters(), opts({ lr: 0.1, momentum: 0.9 }));
        layer.weight.grad = tensorLeaf(r, lib, [2, 3]);
        opt.step();
      },
    ],
  ];
  const [label, run] = r.pick(calls);
  return { label, run };
}

/** Whether an error is one of the library's clean ones. */
function isLibraryError(e, lib) {
  if (!(e instanceof Error)) return false;
  if (FOREIGN.test(e.message)) return false;
  return (
    e instanceof TypeError ||
    e instanceof RangeError ||
    e instanceof lib.ShapeError ||
    e.constructor === Error ||
    e.name === 'StateDictError' ||
    e instanceof SyntaxError
  );
}

async function child(o) {
  const lib = await import('../../lib/index.ts');
  for (let i = o.from; i < o.to; i++) {
    emit(`S ${i}`);
    const r = rngFor(o.seed, i);
    let c;
    let status,
      detail = '';
    try {
      c = r.chance(0.5) ? kernelCase(r, lib) : apiCase(r, lib);
    } catch (e) {
      // Building the case may already run library code (tensor(), zeros()): judge that too.
      c = {
        label: 'case set-up',
        run: () => {
          throw e;
        },
      };
    }
    if (c === null) {
      emit(`R ${i} skipped`);
      continue;
    }
    try {
      c.run();
      status = 'ok';
    } catch (e) {
      if (e instanceof Error && e.message === 'trap') status = 'error';
      else if (isLibraryError(e, lib)) status = 'error';
      else {
        status = 'finding';
        detail = `${e?.constructor?.name}: ${String(e?.message ?? e)
          .split('\n')[0]
          .slice(0, 200)}`;
      }
    }
    emit(`R ${i} ${status} ${c.label}${detail ? ' ' + detail : ''}`);
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2), { seed: 1, calls: 2000, batch: 2500, timeout: 20_000 });
  if (o.child) return child(o);
  const from = o.replay ?? 0,
    to = o.replay !== undefined ? o.replay + 1 : o.calls;
  const totals = { calls: 0, ok: 0, error: 0, skipped: 0, findings: 0, crashes: 0, hangs: 0 };
  const t0 = Date.now();
  const script = fileURLToPath(import.meta.url);
  for (let start = from; start < to; start += o.batch) {
    const end = Math.min(to, start + o.batch);
    const { results, crashes, hangs } = await runCases({
      script,
      from: start,
      to: end,
      timeoutMs: o.timeout,
      childArgs: ['--seed', String(o.seed)],
      onResult: (i, r) => {
        if (r.status === 'finding')
          console.log(
            `FINDING case ${i}: ${r.detail}\n  replay: node scripts/fuzz/api.mjs --seed ${o.seed} --replay ${i}`,
          );
      },
    });
    for (const r of results.values()) totals[r.status === 'finding' ? 'findings' : r.status]++;
    totals.calls += results.size + crashes.length + hangs.length;
    totals.crashes += crashes.length;
    totals.hangs += hangs.length;
    for (const c of crashes)
      console.log(
        `CRASH case ${c.i}: signal ${c.signal} code ${c.code}\n${c.stderr}\n  replay: node scripts/fuzz/api.mjs --seed ${o.seed} --replay ${c.i}`,
      );
    for (const i of hangs)
      console.log(`HANG case ${i}\n  replay: node scripts/fuzz/api.mjs --seed ${o.seed} --replay ${i}`);
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(
    `api: seed ${o.seed}: ${totals.calls} calls (${totals.ok} returned, ${totals.error} clean errors, ${totals.skipped} skipped), ${totals.findings} engine errors, ${totals.crashes} crashes, ${totals.hangs} hangs in ${secs} s`,
  );
  process.exitCode = totals.findings + totals.crashes + totals.hangs > 0 ? 1 : 0;
}

await main();
