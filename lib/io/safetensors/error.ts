/**
 * The one error a safetensors load throws for a bad file. `code` says which rule the file broke,
 * so callers can tell a truncated download (TRUNCATED) from a hostile or buggy writer; the message
 * names the tensor and the values involved.
 */

export type SafetensorsErrorCode =
  /** Fewer than 8 bytes, or fewer data bytes than the header declares. */
  | 'TRUNCATED'
  /** The header length exceeds the loader's limit (100 MB by default). */
  | 'HEADER_TOO_LARGE'
  /** The header length runs past the end of the file. */
  | 'HEADER_PAST_EOF'
  /** The header bytes are not valid UTF-8. */
  | 'BAD_UTF8'
  /** The header nests arrays/objects deeper than any valid header does. */
  | 'HEADER_TOO_DEEP'
  /** The header is not valid JSON. */
  | 'BAD_JSON'
  /** A key appears twice in one JSON object. */
  | 'DUPLICATE_KEY'
  /** The header is valid JSON but not an object. */
  | 'BAD_HEADER'
  /** `__metadata__` is not an object of strings. */
  | 'BAD_METADATA'
  /** A tensor entry is not an object with exactly dtype, shape and data_offsets. */
  | 'BAD_ENTRY'
  /** A dtype string that safetensors does not define. */
  | 'UNKNOWN_DTYPE'
  /** A dtype safetensors defines but this loader does not convert (FP8, FP4, complex). */
  | 'UNSUPPORTED_DTYPE'
  /** A shape that is not an array of non-negative integers. */
  | 'BAD_SHAPE'
  /** A dimension, element count or byte count beyond 2^53 - 1. */
  | 'SHAPE_OVERFLOW'
  /** data_offsets is not [begin, end] with non-negative safe integers and begin <= end. */
  | 'BAD_OFFSETS'
  /** end - begin differs from the byte size implied by dtype and shape. */
  | 'SIZE_MISMATCH'
  /** The tensors do not tile the byte buffer from 0 without gaps or overlaps. */
  | 'OFFSETS_NOT_CONTIGUOUS'
  /** Bytes after the end of the last tensor. */
  | 'TRAILING_BYTES'
  /** An integer that float32 cannot hold exactly, or a BOOL byte other than 0 or 1. */
  | 'BAD_VALUE'
  /** A NaN or infinity, when the loader was asked to reject them. */
  | 'NON_FINITE';

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  readonly code: SafetensorsErrorCode;

  constructor(code: SafetensorsErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** A string cut to 60 characters: hostile files must not produce megabyte messages. */
export function cut(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** JSON text of a value for messages, cut to 60 characters. */
export function preview(v: unknown): string {
  // JSON.stringify would show a parsed 1e400 as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return cut(JSON.stringify(v) ?? String(v));
}
