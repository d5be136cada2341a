/**
 * Keras's masks in a sequential model: an Embedding with maskZero marks its padding steps (id 0),
 * the mask passes through the layers that keep the steps and support masking in Keras 3
 * (supports_masking: Dense, Activation, LayerNormalization and the dropout and noise layers), and
 * the recurrent layers consume it: a masked step carries the previous state, and outputs it (or
 * zeros with zeroOutputForMask, which Bidirectional turns on with returnSequences). A recurrent
 * layer passes the mask on with returnSequences and ends it otherwise. A layer that does not
 * support masking ends it with a warning, as Keras 3 does ("will therefore destroy the mask
 * information").
 */
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { asRoot } from '../nn/invoke.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { KerasRecurrent } from './recurrent-layers.js';
import { KerasEmbedding } from './sequence-layers.js';

/** What a layer does with the mask of its input: makes one, consumes one, passes it on, or ends it. */
export type MaskRole = 'source' | 'consumer' | 'pass' | 'end';

/** Layers that keep the steps and pass a mask on unchanged (Keras 3's supports_masking). */
const PASSES = new Set([
  'Dense',
  'Activation',
  'LayerNormalization',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

export const MASK_DROPPED = 'DROPNET_KERAS_MASK_DROPPED';

/**
 * The role of layer `index` (`className`, built as `module`), and whether its output carries a
 * mask, given whether its input does.
 */
export function maskRole(
  index: number,
  className: string,
  module: Module,
  masked: string | null,
): { role: MaskRole; masked: string | null } {
  if (module instanceof KerasEmbedding && module.maskZero)
    return { role: 'source', masked: `layer ${index} (${className} with maskZero)` };
  if (masked === null) return { role: 'end', masked: null };
  if (module instanceof KerasRecurrent)
    return { role: 'consumer', masked: module.options.returnSequences ? masked : null };
  if (PASSES.has(className)) return { role: 'pass', masked };
  process.emitWarning(
    `sequential: layer ${index} (${className}) does not support masking, so the mask that ${masked} makes ends there (as in Keras 3)`,
    { code: MASK_DROPPED },
  );
  return { role: 'end', masked: null };
}

/**
 * An nn.Sequential that threads Keras's masks: forward gives each consuming recurrent layer the
 * mask of the ids that reached the last maskZero Embedding. Its class name is Sequential's, so
 * that printing and state dicts are those of a plain one.
 */
class MaskingSequentialImpl extends Sequential {
  readonly #roles: readonly MaskRole[];

  constructor(modules: readonly Module[], roles: readonly MaskRole[]) {
    super(...(modules as never[]));
    this.#roles = [...roles];
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return asRoot(this, () => {
      let h: Tensor = input;
      let mask: Tensor | null = null;
      this.children().forEach((m, i) => {
        const role = this.#roles[i];
        if (role === 'source') {
          mask = (m as KerasEmbedding).computeMask(h);
          h = m.call(h);
        } else if (role === 'consumer') {
          const r = m as KerasRecurrent;
          h = r.call(h, mask);
          if (!r.options.returnSequences) mask = null;
        } else {
          h = m.call(h);
          if (role !== 'pass') mask = null;
        }
      });
      return h;
    }) as never;
  }
}
Object.defineProperty(MaskingSequentialImpl, 'name', { value: 'Sequential' });

/** A Sequential over `modules`, threading masks when some layer makes one (else a plain Sequential). */
export function maskingSequential(modules: readonly Module[], roles: readonly MaskRole[]): Sequential {
  if (!roles.includes('source')) return new Sequential(...(modules as never[])) as Sequential;
  return new MaskingSequentialImpl(modules, roles);
}
