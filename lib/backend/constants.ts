/**
 * The backend's vocabulary, a leaf every layer may read: the activations the kernels fuse, the
 * slope they use for leaky_relu, and the instruction-set names. It imports nothing.
 */

/** The activations linearForward fuses into its output pass. */
export const ACTIVATIONS = ['none', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'gelu', 'gelu_tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** leaky_relu's negative slope (PyTorch's default), as the float32 the kernels use. */
export const LEAKY_RELU_SLOPE = Math.fround(0.01);

/** The ISAs of this CPU architecture, lowest first (the order in which they supersede each other). */
export function isaOrder(arch: string = process.arch): string[] {
  if (arch === 'x64' || arch === 'ia32') return ['scalar', 'avx2', 'avx512'];
  if (arch === 'arm64') return ['scalar', 'neon'];
  return ['scalar'];
}

/** Every ISA name dropnet knows, on any architecture. */
export const ISA_NAMES = ['scalar', 'avx2', 'avx512', 'neon'] as const;
