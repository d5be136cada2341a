// The one activation table (lib/backend/activation.ts): every spelling maps to one canonical
// name, kernel ids are the native epilogue's, and each derivative matches a central difference
// of its forward.
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  ACTIVATION_SPELLINGS,
  ACTIVATION_TABLE,
  activationFn,
  canonicalActivation,
} from '../../../lib/backend/activation.js';
import { ACTIVATIONS } from '../../../lib/backend/constants.js';

describe('the activation table', () => {
  it('maps every spelling to a canonical name, and each canonical name to itself', () => {
    for (const name of ACTIVATION_NAMES) expect(canonicalActivation(name)).toBe(name);
    expect(canonicalActivation('leaky_relu')).toBe('leakyRelu');
    expect(canonicalActivation('leakyReLU')).toBe('leakyRelu');
    expect(canonicalActivation('leaky-relu')).toBe('leakyRelu');
    expect(canonicalActivation('gelu_tanh')).toBe('geluTanh');
    expect(canonicalActivation('swish')).toBeUndefined();
    expect(canonicalActivation('toString')).toBeUndefined();
    for (const target of Object.values(ACTIVATION_SPELLINGS)) expect(ACTIVATION_NAMES).toContain(target);
  });

  it('names only kernel ids the native epilogue has', () => {
    for (const spec of Object.values(ACTIVATION_TABLE)) {
      if (spec.kernel !== null) expect(ACTIVATIONS).toContain(spec.kernel);
    }
  });

  it.each(ACTIVATION_NAMES)('%s: df matches a central difference of f', (name) => {
    const { f, df } = ACTIVATION_TABLE[name].fn;
    for (const x of [-3.1, -0.7, -0.05, 0.05, 0.6, 2.3]) {
      const h = 1e-6;
      const numeric = (f(x + h) - f(x - h)) / (2 * h);
      expect(Math.abs(df(x, f(x)) - numeric)).toBeLessThan(1e-6);
    }
  });

  it('gives the kernel reference the same forward as the table where the kernel fuses', () => {
    for (const spec of Object.values(ACTIVATION_TABLE)) {
      if (spec.kernel === null) continue;
      const ref = activationFn(spec.kernel);
      for (const x of [-2.5, -0.3, 0.4, 3]) expect(Math.abs(ref(x) - spec.fn.f(x))).toBeLessThan(1e-15);
    }
  });
});
