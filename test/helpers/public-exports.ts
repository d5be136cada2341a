/**
 * The names each package.json "exports" entry point gives: values read from the loaded module
 * (into namespaces and plain objects such as `nn`, `io`, `layers`), types read by the TypeScript
 * checker. test/lib/public-exports.test.ts pins them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** package.json "exports": entry name → the lib/ source of its dist/ file. */
export function entryPoints(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [name, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || target === null) continue;
    const file = (target as { default: string }).default;
    out[name] = join(root, file.replace(/^\.\/dist\//, 'lib/').replace(/\.js$/, '.ts'));
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.prototype.toString.call(value) === '[object Module]') return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Value names, "nn.Linear" for a name inside a namespace or plain object. */
export function valueNames(value: Record<string, unknown>, prefix = '', depth = 0): string[] {
  const out: string[] = [];
  for (const key of Object.keys(value)) {
    out.push(prefix + key);
    const v = value[key];
    if (depth < 2 && isPlainObject(v)) out.push(...valueNames(v, `${prefix}${key}.`, depth + 1));
  }
  return out;
}

/** Type-only names (interfaces, type aliases), "nn.LinearOptions" inside a namespace export. */
export function typeNames(checker: ts.TypeChecker, moduleSymbol: ts.Symbol, prefix = '', depth = 0): string[] {
  const out: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const name = prefix + symbol.getName();
    if (
      target.flags & ts.SymbolFlags.ValueModule &&
      target.valueDeclaration &&
      ts.isSourceFile(target.valueDeclaration)
    ) {
      if (depth < 2) out.push(...typeNames(checker, target, `${name}.`, depth + 1));
    } else if (!(target.flags & ts.SymbolFlags.Value)) {
      out.push(name);
    }
  }
  return out;
}

/** Type names of every entry point, from one TypeScript program over them. */
export function entryTypeNames(entries: Record<string, string>): Record<string, string[]> {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  };
  const program = ts.createProgram(Object.values(entries), options);
  const checker = program.getTypeChecker();
  const out: Record<string, string[]> = {};
  for (const [name, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file);
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`${file}: not a module the TypeScript program could read`);
    out[name] = typeNames(checker, symbol).sort();
  }
  return out;
}

/** Value names of every entry point, from the loaded modules. */
export async function entryValueNames(entries: Record<string, string>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, file] of Object.entries(entries)) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    out[name] = valueNames(mod).sort();
  }
  return out;
}
