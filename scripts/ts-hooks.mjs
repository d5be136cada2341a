// Module hooks: resolve "./x.js" to "./x.ts" when only the .ts exists, and compile .ts files with
// TypeScript's transpileModule (type-only syntax removed; no type checking: `npm run typecheck`
// does that).
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, nextResolve) {
  if (
    specifier.endsWith('.js') &&
    context.parentURL?.endsWith('.ts') &&
    (specifier.startsWith('.') || specifier.startsWith('/'))
  ) {
    const tsUrl = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(tsUrl)) && !existsSync(fileURLToPath(new URL(specifier, context.parentURL)))) {
      return { url: tsUrl.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
      verbatimModuleSyntax: true,
    },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
