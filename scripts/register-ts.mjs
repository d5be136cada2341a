// Lets Node 20 run the TypeScript benchmarks and examples directly:
//   node --import ./scripts/register-ts.mjs bench/index.ts
// (Node 20 has no type stripping; the package itself ships compiled JavaScript in dist/.)
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
