/**
 * The state dict behind test/fixtures/safetensors/dropnet_written.safetensors: the weights of
 * torch.nn.Sequential(Linear(5, 4), ReLU(), Dropout(0.5), Linear(4, 3)) with PyTorch's names,
 * filled by a fixed formula, and one forward pass worked out here in float64. The fixture script
 * writes the file from this; PyTorch loads it and must reproduce the forward pass; the tests check
 * that the encoder still writes the very bytes PyTorch verified.
 */
import { type Tensor, tensor } from '../../lib/index.js';

function filled(shape: [number] | [number, number], phase: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float32Array.from({ length: n }, (_, i) => Math.sin(0.7 * i + phase) / 2),
    shape,
  );
}

export function dropnetStateDict(): Record<string, Tensor> {
  return {
    '0.weight': filled([4, 5], 0),
    '0.bias': filled([4], 1),
    '3.weight': filled([3, 4], 2),
    '3.bias': filled([3], 3),
  };
}

export const DROPNET_METADATA = { format: 'pt', producer: 'dropnet' };

export const FORWARD_INPUT = [
  [0.5, -1, 2, 0, 0.25],
  [-0.75, 0.5, 0, 1.5, -2],
];

/** y = W3 relu(W0 x + b0) + b3, in float64 from the float32 weights (Dropout is the identity in eval). */
export function forward(sd: Record<string, Tensor>, x: number[][]): number[][] {
  const linear = (w: Tensor, b: Tensor, v: number[]): number[] => {
    const [out, inp] = w.shape as [number, number];
    return Array.from({ length: out }, (_, o) => {
      let s = b.data[o]!;
      for (let i = 0; i < inp; i++) s += w.data[o * inp + i]! * v[i]!;
      return s;
    });
  };
  return x.map((row) =>
    linear(
      sd['3.weight']!,
      sd['3.bias']!,
      linear(sd['0.weight']!, sd['0.bias']!, row).map((v) => Math.max(0, v)),
    ),
  );
}
