/**
 * Constructor arguments of the recurrent layers: PyTorch's positional order or one options
 * object (or both: positional values first, an options object last), every value checked, and
 * a TypeError for anything the constructor does not take.
 */
import { isPlainObject } from '../../args.js';
import { describe } from '../../errors.js';

/**
 * Merges `args` (the constructor's arguments) into one record: positional values are named by
 * `order`, a trailing plain object adds named ones. A name given both ways, an unknown name or
 * too many positional values is a TypeError naming the layer.
 */
export function gatherArgs(
  layer: string,
  args: readonly unknown[],
  order: readonly string[],
  known: readonly string[],
): Record<string, unknown> {
  const list = [...args];
  let named: Record<string, unknown> = {};
  if (list.length > 0 && isPlainObject(list[list.length - 1])) named = list.pop() as Record<string, unknown>;
  if (list.length > order.length) {
    throw new TypeError(
      `${layer}: expected at most ${order.length} positional arguments (${order.join(', ')}) and an options object but received ${list.length} positional arguments`,
    );
  }
  const out: Record<string, unknown> = {};
  list.forEach((v, i) => {
    out[order[i]!] = v;
  });
  for (const [key, value] of Object.entries(named)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${layer}: unknown option ${JSON.stringify(key)} (received ${describe(value)}); it takes ${known.join(', ')}`,
      );
    }
    if (key in out) throw new TypeError(`${layer}: ${key} was given both as a positional argument and as an option`);
    out[key] = value;
  }
  return out;
}
