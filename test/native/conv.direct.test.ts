// The direct kernels for shallow layers (conv_direct_kernels.h, instantiated for AVX2 and
// AVX-512) against the reference on every ISA: each geometry once as the planner routes it and,
// on ISAs with the kernels, once with every pass the direct algorithm can run forced onto it
// (DROPNET_CONV_ALGO's override), asserting it ran. Forward with and without bias, backward-data
// (as the forward kernel over the flipped weights, where the mirrored padding is >= 0) and the
// weight and bias gradients: rows narrower and wider than a step of 16 columns and not multiples
// of it, paddings wider than the kernel on either side, dilation, non-square kernels, depthwise
// and grouped layers, 1, 3 and odd channel counts, output channels below, at and past one
// 16-channel block and one 6-channel AVX2 sub-block, single rows; the same bits on 1 and 2 threads.
import { afterEach, describe, expect, it } from 'vitest';
import { kernels } from '../../lib/index.js';
import { convOutSize, type Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import { expectClose } from '../helpers/expect-close.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { nans, randomFloats, seededPick } from '../helpers/rng.js';
import { convTol as tol, expectConvParity, expectThreadInvariance } from '../helpers/conv.js';
import type { Backend } from '../../lib/backend/backend.js';

const geo = (
  n: number,
  c: number,
  h: number,
  w: number,
  k: number,
  kh: number,
  kw: number,
  pads: [number, number, number, number],
  dil: [number, number] = [1, 1],
  groups = 1,
): Conv2dGeometry => ({
  n,
  c,
  h,
  w,
  k,
  kh,
  kw,
  sh: 1,
  sw: 1,
  pt: pads[0],
  pb: pads[1],
  pl: pads[2],
  pr: pads[3],
  dh: dil[0],
  dw: dil[1],
  groups,
});

function forward(k: Backend, g: Conv2dGeometry, withBias: boolean): Float32Array {
  const oh = convOutSize(g.h, g.kh, g.sh, g.pt, g.pb, g.dh),
    ow = convOutSize(g.w, g.kw, g.sw, g.pl, g.pr, g.dw);
  const xs = g.n * g.c * g.h * g.w,
    ws = g.k * (g.c / g.groups) * g.kh * g.kw;
  const out = nans(g.n * g.k * oh * ow);
  k.conv2dForward(out, randomFloats(xs, xs + 1), randomFloats(ws, ws + 2), withBias ? randomFloats(g.k, 3) : null, g);
  return out;
}

function sweep(count: number, seed: number): Conv2dGeometry[] {
  const pick = seededPick(seed);
  const out: Conv2dGeometry[] = [];
  while (out.length < count) {
    const groups = pick([1, 1, 2, 3]);
    const [kh, kw] = pick([
      [3, 3],
      [1, 3],
      [3, 1],
      [2, 2],
      [5, 5],
      [1, 7],
      [4, 3],
    ] as const);
    const g = geo(
      pick([1, 2, 3]),
      pick([1, 2, 3]) * groups,
      pick([1, 3, 6, 9]),
      pick([8, 9, 15, 16, 17, 23, 33, 40]),
      pick([1, 5, 16, 17, 32]) * groups,
      kh,
      kw,
      [pick([0, 1, 2]), pick([0, 3]), pick([0, 1, 4, 6]), pick([0, 2, 5])],
      [pick([1, 1, 2]), pick([1, 1, 3])],
      groups,
    );
    const oh = convOutSize(g.h, g.kh, 1, g.pt, g.pb, g.dh),
      ow = convOutSize(g.w, g.kw, 1, g.pl, g.pr, g.dw);
    if (oh >= 1 && ow >= 8 && (g.c / groups) * kh * kw <= 64) out.push(g);
  }
  out.push(geo(2, 8, 12, 20, 8, 3, 3, [1, 1, 1, 1], [1, 1], 8)); // depthwise
  out.push(geo(1, 7, 5, 21, 32, 3, 3, [1, 1, 1, 1])); // depth 63
  out.push(geo(1, 1, 4, 30, 64, 3, 3, [1, 1, 1, 1])); // depth 9, 64 outputs
  return out;
}

const geometries = sweep(30, 11);

// The passes the direct algorithm can run for g: the forward pass and the weight gradient
// always (unit stride, at most 64 taps), backward-data when the flipped problem fits too.
function directSpec(g: Conv2dGeometry): { spec: string; dx: boolean } {
  const [sy, sx] = [(g.kh - 1) * g.dh, (g.kw - 1) * g.dw];
  const dx = g.pt <= sy && g.pb <= sy && g.pl <= sx && g.pr <= sx && (g.k / g.groups) * g.kh * g.kw <= 64;
  return { spec: `forward=direct,${dx ? 'backward_data=direct,' : ''}backward_weight=direct`, dx };
}

afterEach(() => {
  if (testedIsas().some((c) => c.skip === '')) kernels('native').setConvAlgo('');
});

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`conv2d direct path on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(`matches the reference on ${geometries.length} geometries, forward (with and without bias) and backward`, () => {
      for (const g of geometries) {
        withIsa(isa, (native) => expectConvParity(native, g, { isa }));
        const plain = forward(kernels('js'), g, false);
        const depth = (g.c / g.groups) * g.kh * g.kw;
        expectClose(
          withIsa(isa, (native) => forward(native, g, false)),
          plain,
          { ...tol(depth), context: { isa, bias: false, ...g } },
        );
      }
    });

    it(`forced onto every pass it can run, runs and matches the reference on ${geometries.length} geometries`, () => {
      for (const g of geometries) {
        withIsa(isa, (native) => {
          if (isa === 'scalar') {
            // no direct kernel: forcing it is an error, not a fallback
            native.setConvAlgo('forward=direct');
            expect(() => native.convPlan(g)).toThrow(
              /direct cannot run the forward pass of this convolution on scalar: the ISA has no direct kernel/,
            );
            native.setConvAlgo('');
            return;
          }
          const { spec, dx } = directSpec(g);
          native.setConvAlgo(spec);
          expectConvParity(native, g, { isa, spec });
          const ran = native.convLastRun();
          expect([ran.forward, ran.backwardData, ran.backwardWeight]).toEqual([
            'direct',
            dx ? 'direct' : 'im2col',
            'direct',
          ]);
          const plain = forward(kernels('js'), g, false);
          expectClose(forward(native, g, false), plain, {
            ...tol((g.c / g.groups) * g.kh * g.kw),
            context: { isa, bias: false, ...g },
          });
          native.setConvAlgo('');
        });
      }
    });
  });
}

describe.skipIf(testedIsas().every((c) => c.skip !== ''))('conv2d direct path across thread counts', () => {
  it('gives the same bits on 1 and 2 threads on every ISA', () => {
    const cases = [
      geo(3, 3, 19, 33, 16, 3, 3, [1, 1, 1, 1]),
      geo(1, 4, 30, 17, 24, 3, 3, [2, 0, 1, 3], [2, 1], 2),
      geo(11, 3, 12, 20, 20, 3, 3, [1, 1, 1, 1]),
      geo(3, 5, 17, 21, 3, 3, 3, [1, 1, 1, 1]),
    ];
    for (const { isa, skip } of testedIsas()) {
      if (skip !== '') continue;
      withIsa(isa, (native) => {
        if (isa !== 'scalar') expect(native.convPlan(cases[0]!).forward).toBe('direct');
        expectThreadInvariance(cases);
      });
    }
  });
});
