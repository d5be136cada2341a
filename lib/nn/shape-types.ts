/**
 * Compile-time shape checks for layer chains. Types only: nothing here exists at run time.
 *
 * Each module declares, in its phantom `'~shapes'` property, how it maps shapes:
 *   same   shape-preserving (activations, dropout): passes any shape through
 *   last   maps [..., In] to [..., Out] (Linear)
 *   fixed  takes In and gives Out (Flatten: any shape to an unknown one)
 *   chain  a Sequential: its layers, folded in order
 *   any    unknown (a hand-written Module subclass): accepts anything, yields an unknown shape
 * A chain is rejected when a layer's required trailing size is a literal that differs from the
 * literal size flowing into it. `number` sizes (conv outputs, Flatten, sizes computed at run
 * time) agree with everything, so the check never needs arithmetic and stays cheap.
 */
import type { Shape } from '../shape.js';

export type ShapeMap =
  | { readonly kind: 'any' }
  | { readonly kind: 'same' }
  | { readonly kind: 'last'; readonly in: number; readonly out: number; readonly name: string }
  | { readonly kind: 'fixed'; readonly in: Shape; readonly out: Shape }
  | { readonly kind: 'chain'; readonly layers: readonly unknown[] };

/** The map of `Linear<In, Out>`-like layers. */
export type LastDimMap<In extends number, Out extends number, Name extends string> = {
  readonly kind: 'last';
  readonly in: In;
  readonly out: Out;
  readonly name: Name;
};

type MapOf<M> = M extends { readonly '~shapes': infer T } ? T : { readonly kind: 'any' };

/** S with its last dimension replaced by O (a shape of unknown rank becomes [...number[], O]). */
export type ReplaceLast<S extends Shape, O extends number> = S extends readonly [...infer P extends number[], number]
  ? readonly [...P, O]
  : readonly [...number[], O];

/** The last dimension of S, or number when it is not known. */
export type LastDim<S extends Shape> = S extends readonly [...number[], infer L extends number] ? L : number;

type DimsAgree<A extends number, B extends number> = number extends A
  ? true
  : number extends B
    ? true
    : [A] extends [B]
      ? true
      : false;

/** unknown when the last dimension of S can be In; an object naming the mismatch otherwise. */
export type LastDimCheck<S extends Shape, In extends number, Name extends string> =
  DimsAgree<LastDim<S>, In> extends true
    ? unknown
    : { readonly '~error': `${Name} expects input [..., ${In}] but receives [..., ${LastDim<S>}]` };

/** The shape after module M, given the shape Cur flowing into it. */
type Step<M, Cur extends Shape> =
  MapOf<M> extends { readonly kind: 'same' }
    ? Cur
    : MapOf<M> extends { readonly kind: 'last'; readonly out: infer O extends number }
      ? ReplaceLast<Cur, O>
      : MapOf<M> extends { readonly kind: 'fixed'; readonly out: infer O extends Shape }
        ? O
        : MapOf<M> extends { readonly kind: 'chain'; readonly layers: infer L extends readonly unknown[] }
          ? Fold<L, Cur>
          : Shape;

/** The shape after a chain of modules. */
export type Fold<Ms extends readonly unknown[], Cur extends Shape> = Ms extends readonly [infer H, ...infer R]
  ? Step<H, Cur> extends infer Next extends Shape
    ? Fold<R, Next>
    : never
  : Cur;

/** never when M accepts Cur; otherwise the message of the first mismatch. */
type Problem<M, Cur extends Shape> =
  MapOf<M> extends { readonly kind: 'last'; readonly in: infer I extends number; readonly name: infer N extends string }
    ? DimsAgree<LastDim<Cur>, I> extends true
      ? never
      : `${N} expects input [..., ${I}] but receives [..., ${LastDim<Cur>}]`
    : MapOf<M> extends { readonly kind: 'chain'; readonly layers: infer L extends readonly unknown[] }
      ? ChainProblem<L, Cur>
      : never;

/** never when the chain Ms accepts Cur; otherwise the message of its first mismatch. */
export type ChainProblem<Ms extends readonly unknown[], Cur extends Shape> = Ms extends readonly [infer H, ...infer R]
  ? [Problem<H, Cur>] extends [never]
    ? Step<H, Cur> extends infer Next extends Shape
      ? ChainProblem<R, Next>
      : never
    : Problem<H, Cur>
  : never;

/**
 * Ms itself when every layer accepts what the previous one gives; otherwise the offending
 * layer's type is intersected with `{ '~error': message }`, so the argument fails to type-check
 * with the message in the error. Arrays of unknown length are not checked.
 */
export type CheckChain<
  Ms extends readonly unknown[],
  Cur extends Shape = Shape,
  Checked extends unknown[] = [],
> = number extends Ms['length']
  ? Ms
  : Ms extends readonly [infer H, ...infer R]
    ? Step<H, Cur> extends infer Next extends Shape
      ? CheckChain<
          R,
          Next,
          [...Checked, [Problem<H, Cur>] extends [never] ? H : H & { readonly '~error': Problem<H, Cur> }]
        >
      : never
    : Checked;

/** unknown when the chain accepts input shape S; an object naming the mismatch otherwise. */
export type ChainInputCheck<Ms extends readonly unknown[], S extends Shape> = [ChainProblem<Ms, S>] extends [never]
  ? unknown
  : { readonly '~error': ChainProblem<Ms, S> };
