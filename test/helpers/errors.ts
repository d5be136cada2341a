/** Asserting an error's class and exact message (ShapeError carries fields toThrow(obj) would also compare). */
import { expect } from 'vitest';

export function expectThrows(fn: () => unknown, ctor: new (...args: never[]) => Error, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${ctor.name}: ${message}`).toBeInstanceOf(ctor);
  expect((caught as Error).message).toBe(message);
}

/** The same for a promise (an async function's rejection). */
export async function expectRejects(
  promise: Promise<unknown>,
  ctor: new (...args: never[]) => Error,
  message: string,
): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${ctor.name}: ${message}`).toBeInstanceOf(ctor);
  expect((caught as Error).message).toBe(message);
}
