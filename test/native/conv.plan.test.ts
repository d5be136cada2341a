// The convolution planner (native/kernels/conv/conv_plan.h): which algorithm each pass of a
// geometry gets on each ISA, that the call then runs it (convLastRun), the override
// (setConvAlgo, as DROPNET_CONV_ALGO) forcing each algorithm onto geometries it can run with
// results matching the reference, and the errors for names and geometries it cannot take.
import { afterEach, describe, expect, it } from 'vitest';
import { kernels, nativeAvailable } from '../../lib/index.js';
import type { Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import type { ConvPlan } from '../../lib/backend/backend.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { conv3x3, expectConvParity, runConv } from '../helpers/conv.js';

const geo = (
  n: number,
  c: number,
  h: number,
  w: number,
  k: number,
  ks: number,
  s: number,
  p: number,
): Conv2dGeometry => ({
  n,
  c,
  h,
  w,
  k,
  kh: ks,
  kw: ks,
  sh: s,
  sw: s,
  pt: p,
  pb: p,
  pl: p,
  pr: p,
  dh: 1,
  dw: 1,
  groups: 1,
});

// Geometries named for the path the planner gives them; per ISA where it differs.
const firstLayer = geo(2, 3, 32, 32, 16, 3, 1, 1); // shallow: direct where the ISA has it
const deep = geo(1, 32, 14, 14, 32, 3, 1, 1); // Winograd F(2x2, 3x3)
const pointwise = geo(2, 16, 9, 9, 24, 1, 1, 0); // 1x1: GEMM in place
const strided = geo(2, 32, 16, 16, 32, 3, 2, 1); // stride 2: polyphase Winograd
const strided4 = geo(16, 32, 32, 32, 32, 3, 2, 1); // stride 2, enough tiles of 4x4
const fourOut = geo(2, 3, 28, 28, 4, 3, 1, 1); // shallow both ways: direct backward-data too
const wide5 = geo(1, 16, 12, 12, 8, 5, 1, 2); // 5x5, deep: im2col
const eightOut = geo(1, 16, 14, 14, 8, 3, 1, 1); // 8 outputs: no partial row panel wasted on any ISA

function expected(isa: string): [string, Conv2dGeometry, ConvPlan][] {
  const hasDirect = isa !== 'scalar';
  const first = hasDirect ? 'direct' : 'im2col';
  return [
    [
      'first layer 3 -> 16',
      firstLayer,
      { forward: first, backwardData: 'im2col', backwardWeight: isa === 'avx512' ? 'direct' : 'im2col' },
    ],
    [
      '3 -> 4',
      fourOut,
      { forward: first, backwardData: first, backwardWeight: isa === 'avx512' ? 'direct' : 'im2col' },
    ],
    [
      '3x3 32 -> 32',
      deep,
      { forward: 'winograd_f2x3', backwardData: 'winograd_f2x3', backwardWeight: 'winograd_f2x3' },
    ],
    [
      '3x3 16 -> 8',
      eightOut,
      { forward: 'winograd_f2x3', backwardData: 'winograd_f2x3', backwardWeight: 'winograd_f2x3' },
    ],
    ['1x1', pointwise, { forward: 'pointwise', backwardData: 'pointwise', backwardWeight: 'pointwise' }],
    ['5x5 16 -> 8', wide5, { forward: 'im2col', backwardData: 'im2col', backwardWeight: 'im2col' }],
    [
      '3x3 stride 2, batch 16',
      strided4,
      {
        forward: 'winograd_stride2_f4x2',
        backwardData: isa === 'avx512' ? 'winograd_stride2_f2x2' : 'im2col',
        backwardWeight: 'winograd_stride2_f2x2',
      },
    ],
  ];
}

const native = () => kernels('native');

afterEach(() => {
  if (nativeAvailable()) native().setConvAlgo('');
});

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`conv planner on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.each(expected(isa))('%s: plans the measured algorithm per pass and runs it', (_name, g, plan) => {
      withIsa(isa, (k) => {
        expect(k.convPlan(g)).toEqual(plan);
        runConv(k, g);
        expect(k.convLastRun()).toEqual(plan);
      });
    });

    // Every algorithm forced onto a geometry it can run, all three passes where it has them.
    const forced: [string, Conv2dGeometry][] = [
      ['im2col', deep],
      ['im2col', pointwise],
      ['pointwise', pointwise],
      ['winograd_f2x3', firstLayer],
      ['winograd_stride2_f2x2', strided],
      ['winograd_f2x3', conv3x3(1, 1, 5, 7, 9, 3, [0, 2, 1, 0])],
    ];
    if (isa !== 'scalar') forced.push(['direct', fourOut], ['direct', geo(1, 7, 11, 19, 5, 3, 1, 1)]);
    it.each(forced)('forced %s runs it and matches the reference', (algo, g) => {
      withIsa(isa, (k) => {
        expect(k.setConvAlgo(algo)).toBe(`forward=${algo},backward_data=${algo},backward_weight=${algo}`);
        expectConvParity(k, g, { isa, algo });
        expect(k.convLastRun()).toEqual({ forward: algo, backwardData: algo, backwardWeight: algo });
      });
    });

    it('forces tiles of 4x4 outputs on the stride-2 forward pass where the tile rule picks them', () => {
      withIsa(isa, (k) => {
        k.setConvAlgo('forward=winograd_stride2_f4x2');
        expect(k.convPlan(strided4).forward).toBe('winograd_stride2_f4x2');
        expect(() => k.convPlan(strided)).toThrow(/winograd_stride2_f4x2 cannot run the forward pass/);
      });
    });
  });
}

describe.skipIf(!nativeAvailable())('conv planner override errors', () => {
  it('rejects unknown algorithm and pass names with the list of names', () => {
    expect(() => native().setConvAlgo('fft')).toThrow(RangeError);
    expect(() => native().setConvAlgo('fft')).toThrow(
      "DROPNET_CONV_ALGO: unknown algorithm 'fft' (expected one of im2col, pointwise, direct, winograd_f2x3, winograd_stride2_f2x2, winograd_stride2_f4x2)",
    );
    expect(() => native().setConvAlgo('sideways=im2col')).toThrow(/unknown pass 'sideways'/);
    expect(() => native().setConvAlgo('im2col,direct')).toThrow(/must be pass=algorithm/);
    expect(native().setConvAlgo('backward_weight=im2col,forward=direct')).toBe('forward=direct,backward_weight=im2col');
  });

  it('a forced algorithm that cannot run the geometry is a RangeError naming it, from the plan and the call', () => {
    native().setConvAlgo('pointwise');
    expect(() => native().convPlan(deep)).toThrow(
      /^DROPNET_CONV_ALGO: pointwise cannot run the forward pass of this convolution on \w+: it takes 1x1 kernels/,
    );
    expect(() => runConv(native(), deep)).toThrow(RangeError);
    native().setConvAlgo('winograd_f2x3');
    expect(() => runConv(native(), wide5)).toThrow(/winograd_f2x3 cannot run the forward pass/);
  });

  it('non-finite operands take im2col in place of Winograd, and convLastRun says so', () => {
    const g = deep,
      k = native();
    const x = new Float32Array(g.n * g.c * g.h * g.w).fill(1);
    x[5] = Infinity;
    const w = new Float32Array(g.k * g.c * 9).fill(0.5);
    const out = new Float32Array(g.n * g.k * g.h * g.w);
    k.conv2dForward(out, x, w, null, g);
    expect(k.convPlan(g).forward).toBe('winograd_f2x3');
    expect(k.convLastRun().forward).toBe('im2col');
  });

  it('the reference backend reports its one algorithm', () => {
    expect(kernels('js').convPlan(deep)).toEqual({
      forward: 'reference',
      backwardData: 'reference',
      backwardWeight: 'reference',
    });
  });
});
