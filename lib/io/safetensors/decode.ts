/**
 * Bytes → tensors. `decodeSafetensors` takes a whole file in memory; the file loaders in file.ts
 * read the header first and call the same checks, so both paths accept and reject the same files.
 */
import { argRangeError, argTypeError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { type SafetensorsDtype, toFloat32 } from './dtypes.js';
import { preview, SafetensorsError } from './error.js';
import { DEFAULT_MAX_HEADER_BYTES, type Header, parseHeader, readHeaderLength } from './header.js';

export interface LoadOptions {
  /** Largest header accepted, in bytes (default 100 000 000, the reference implementation's limit). */
  maxHeaderBytes?: number;
  /**
   * Reject NaN and ±Infinity (code NON_FINITE). Off by default: non-finite values are data (a
   * diverged checkpoint is still worth inspecting), and they load bit for bit.
   */
  rejectNonFinite?: boolean;
}

export interface SafetensorsContents {
  /** Float32 tensors by name, in file (data-offset) order. */
  tensors: Map<string, Tensor>;
  /** The dtype each tensor had in the file before conversion to float32. */
  dtypes: Map<string, SafetensorsDtype>;
  /** The `__metadata__` map, or undefined when the file has none. */
  metadata: Record<string, string> | undefined;
}

export function checkLoadOptions(options: unknown): Required<LoadOptions> {
  if (options === undefined) return { maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES, rejectNonFinite: false };
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object', options);
  const { maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES, rejectNonFinite = false } = options as LoadOptions;
  if (typeof maxHeaderBytes !== 'number')
    throw argTypeError('options.maxHeaderBytes', 'positive integer', maxHeaderBytes);
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes <= 0) {
    throw argRangeError('options.maxHeaderBytes', 'positive integer', maxHeaderBytes);
  }
  if (typeof rejectNonFinite !== 'boolean') throw argTypeError('options.rejectNonFinite', 'boolean', rejectNonFinite);
  return { maxHeaderBytes, rejectNonFinite };
}

/** Converts the checked tensors of `header` from the data buffer `data`. */
export function decodeTensors(header: Header, data: Uint8Array, options: Required<LoadOptions>): SafetensorsContents {
  const tensors = new Map<string, Tensor>();
  const dtypes = new Map<string, SafetensorsDtype>();
  for (const e of header.entries) {
    const values = toFloat32(data, e.begin, e.size, e.dtype, e.name);
    if (options.rejectNonFinite) {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) {
          throw new SafetensorsError('NON_FINITE', `tensor ${preview(e.name)} holds ${values[i]} at element ${i}`);
        }
      }
    }
    tensors.set(e.name, new Tensor(values, e.shape));
    dtypes.set(e.name, e.dtype);
  }
  return { tensors, dtypes, metadata: header.metadata };
}

/** Decodes a whole safetensors file held in memory. Throws SafetensorsError for a bad file. */
export function decodeSafetensors(bytes: Uint8Array, options?: LoadOptions): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw argTypeError('bytes', 'Uint8Array', bytes);
  const opts = checkLoadOptions(options);
  const n = readHeaderLength(bytes.subarray(0, 8), bytes.length, opts.maxHeaderBytes);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n);
  return decodeTensors(header, bytes.subarray(8 + n), opts);
}
