/**
 * The reference backend: every kernel as plain, obviously-correct TypeScript. It is the oracle
 * the native kernels are tested against and the fallback when the addon cannot load.
 *
 * Float32 semantics: each element is computed as in the scalar C++ kernel. One IEEE operation on
 * two float32 values, done in double and rounded once on store, gives the correctly rounded
 * float32 result, so these loops match the native kernels bit for bit. Scalars that the native
 * side takes as float (scale's s, fill's value) are rounded with Math.fround first.
 */
import type { Backend } from './backend.js';
import * as check from './check.js';

let threads = 1;

export const reference: Backend = {
  name: 'js',

  isa: () => 'js',
  availableIsas: () => ['js'],
  selectIsa(cap: string): string {
    check.isaName(cap, 'cap');
    return 'js';
  },
  numThreads: () => threads,
  setNumThreads(n: number): void {
    // The reference kernels are single-threaded; the number is kept so the setting round-trips.
    threads = check.int(n, 'n', 1, 256);
  },

  add(out, a, b, n) {
    check.expectArgs(arguments, 4, 'add(out, a, b, n)');
    binaryChecks(out, a, b, n);
    for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  },

  mul(out, a, b, n) {
    check.expectArgs(arguments, 4, 'mul(out, a, b, n)');
    binaryChecks(out, a, b, n);
    for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  },

  scale(out, x, s, n) {
    check.expectArgs(arguments, 4, 'scale(out, x, s, n)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    const sf = Math.fround(check.num(s, 's'));
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    check.expectLength(x, n, 'x');
    check.expectSameOrDisjoint(out, 'out', x, 'x');
    for (let i = 0; i < n; i++) out[i] = x[i]! * sf;
  },

  relu(out, x, n) {
    check.expectArgs(arguments, 3, 'relu(out, x, n)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    check.expectLength(x, n, 'x');
    check.expectSameOrDisjoint(out, 'out', x, 'x');
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      out[i] = 0 > v ? 0 : v; // NaN and -0 pass through, as SIMD max(0, x) does
    }
  },

  reluBackward(dx, dy, x, n) {
    check.expectArgs(arguments, 4, 'reluBackward(dx, dy, x, n)');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    check.f32(x, 'x');
    check.size(n, 'n');
    check.expectLength(dx, n, 'dx');
    check.expectLength(dy, n, 'dy');
    check.expectLength(x, n, 'x');
    check.expectSameOrDisjoint(dx, 'dx', dy, 'dy');
    check.expectSameOrDisjoint(dx, 'dx', x, 'x');
    for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
  },

  fill(out, value, n) {
    check.expectArgs(arguments, 3, 'fill(out, value, n)');
    check.f32(out, 'out');
    const v = Math.fround(check.num(value, 'value'));
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    out.fill(v, 0, n);
  },
};

function binaryChecks(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  check.f32(out, 'out');
  check.f32(a, 'a');
  check.f32(b, 'b');
  check.size(n, 'n');
  check.expectLength(out, n, 'out');
  check.expectLength(a, n, 'a');
  check.expectLength(b, n, 'b');
  check.expectSameOrDisjoint(out, 'out', a, 'a');
  check.expectSameOrDisjoint(out, 'out', b, 'b');
}
