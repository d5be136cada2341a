/**
 * A structural pass over untrusted JSON text, run before JSON.parse:
 * - nesting depth is bounded, so a header of 100 000 '[' is rejected in one linear scan before
 *   the parser builds anything;
 * - duplicate keys are found in every object (JSON.parse silently keeps the last one, which would
 *   let a file show one dtype to one reader and another to the next).
 *
 * The scan tolerates invalid JSON (JSON.parse reports that afterwards); it only has to be exact on
 * valid JSON, where a string that follows '{' or ',' inside an object is a key.
 */

export interface JsonScan {
  /** The first key found twice in one object, with the key path of that object. */
  duplicate: { key: string; path: string } | undefined;
}

interface Frame {
  isObject: boolean;
  keys: Set<string> | undefined;
  expectKey: boolean;
  /** Key path of this container, for messages: `$`, `$["0.weight"]`. */
  path: string;
  lastKey: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Scans `text`; returns the first duplicate key, if any. Returns `{ depthExceeded: depth }` as soon
 * as containers nest deeper than `maxDepth`.
 */
export function scanJson(text: string, maxDepth: number): JsonScan | { depthExceeded: number } {
  const stack: Frame[] = [];
  let duplicate: JsonScan['duplicate'];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) j += 2;
        else if (d === QUOTE) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (top !== undefined && top.isObject && top.expectKey && duplicate === undefined) {
        // Most keys have no escapes; only those need decoding.
        const raw = text.slice(i + 1, j);
        const key = raw.includes('\\') ? decodeKey(text.slice(i, j + 1)) : raw;
        if (key !== undefined) {
          if (top.keys!.has(key)) duplicate = { key, path: top.path };
          top.keys!.add(key);
          top.lastKey = key;
        }
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { depthExceeded: stack.length + 1 };
      const parent = stack[stack.length - 1];
      const path =
        parent === undefined
          ? '$'
          : parent.isObject
            ? `${parent.path}[${JSON.stringify(parent.lastKey)}]`
            : `${parent.path}[]`;
      const isObject = c === 0x7b;
      stack.push({ isObject, keys: isObject ? new Set() : undefined, expectKey: isObject, path, lastKey: '' });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.isObject) top.expectKey = true;
    }
  }
  return { duplicate };
}

/** The value of a JSON string literal, or undefined if it is malformed (JSON.parse will say so). */
function decodeKey(literal: string): string | undefined {
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
