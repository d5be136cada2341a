/**
 * tf.data.csv(source, config): the rows of a local CSV file as a dataset, with tfjs's config
 * (hasHeader, columnNames, columnConfigs { required, dtype, default, isLabel },
 * configuredColumnsOnly, delimiter, delimWhitespace) and tfjs's elements: an object of column
 * values, or `{ xs, ys }` (features, labels) when some column is a label. Values are numbers
 * where they parse as one (int32 columns floored, bool columns 1/0), else strings.
 *
 * Sources: 'file://path' (as tfjs in Node) and plain paths. URLs are not fetched.
 */
import { readFile } from 'node:fs/promises';
import { argTypeError } from '../errors.js';
import { Dataset } from './data.js';
import { FnIterator } from './data-iter.js';

export interface ColumnConfig {
  required?: boolean;
  dtype?: 'float32' | 'int32' | 'bool';
  default?: unknown;
  isLabel?: boolean;
}

export interface CSVConfig {
  hasHeader?: boolean;
  columnNames?: string[];
  columnConfigs?: Record<string, ColumnConfig>;
  configuredColumnsOnly?: boolean;
  delimiter?: string;
  delimWhitespace?: boolean;
}

const CONFIG_KEYS = [
  'hasHeader',
  'columnNames',
  'columnConfigs',
  'configuredColumnsOnly',
  'delimiter',
  'delimWhitespace',
];
const COLUMN_KEYS = ['required', 'dtype', 'default', 'isLabel'];

function localPath(source: unknown): string {
  if (typeof source !== 'string' || source === '')
    throw argTypeError('tf.data.csv: source', "file path or 'file://' URL", source);
  if (source.startsWith('file://')) return source.slice(7);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source))
    throw new Error(
      `dropnet/tfjs: tf.data.csv reads local files only ('file://path' or a path), not ${source}; download the file first`,
    );
  return source;
}

/** One CSV line split into fields (quotes group a field; "" inside quotes is a quote). */
export function splitRow(line: string, delimiter: string, whitespace: boolean): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let fieldStart = true;
  while (i < line.length) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && fieldStart) {
      quoted = true;
    } else if (whitespace ? c === ' ' || c === '\t' : c === delimiter) {
      if (whitespace && fieldStart) {
        i++;
        continue;
      }
      out.push(field);
      field = '';
      fieldStart = true;
      i++;
      continue;
    } else {
      field += c;
    }
    fieldStart = false;
    i++;
  }
  if (!(whitespace && fieldStart && out.length > 0)) out.push(field);
  return out;
}

export class CSVDataset extends Dataset<unknown> {
  readonly #path: string;
  readonly #config: Required<Pick<CSVConfig, 'hasHeader' | 'delimiter' | 'delimWhitespace'>> & CSVConfig;
  #names: string[] | null = null;

  constructor(source: string, config: CSVConfig = {}) {
    super(null);
    this.#path = localPath(source);
    if (typeof config !== 'object' || config === null) throw argTypeError('tf.data.csv: config', 'object', config);
    for (const k of Object.keys(config))
      if (!CONFIG_KEYS.includes(k))
        throw new RangeError(`tf.data.csv: unknown option "${k}"; the options are ${CONFIG_KEYS.join(', ')}`);
    if (config.delimWhitespace === true && config.delimiter !== undefined)
      throw new Error('Delimiter should not be provided when delimWhitespace is true.');
    const delimiter = config.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length !== 1)
      throw argTypeError('tf.data.csv: delimiter', 'one character', delimiter);
    if (config.columnNames !== undefined && !Array.isArray(config.columnNames))
      throw argTypeError('tf.data.csv: columnNames', 'array of strings', config.columnNames);
    for (const [name, c] of Object.entries(config.columnConfigs ?? {})) {
      if (typeof c !== 'object' || c === null) throw argTypeError(`columnConfigs.${name}`, 'object', c);
      for (const k of Object.keys(c))
        if (!COLUMN_KEYS.includes(k))
          throw new RangeError(
            `tf.data.csv: columnConfigs.${name}: unknown option "${k}"; the options are ${COLUMN_KEYS.join(', ')}`,
          );
    }
    this.#config = {
      ...config,
      hasHeader: config.hasHeader !== false,
      delimiter,
      delimWhitespace: config.delimWhitespace === true,
    };
  }

  async #lines(): Promise<string[]> {
    const text = await readFile(this.#path, 'utf8');
    const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  #split(line: string): string[] {
    return splitRow(line, this.#config.delimiter, this.#config.delimWhitespace);
  }

  /** The column names: from columnNames or the header line, checked against columnConfigs. */
  async columnNames(): Promise<string[]> {
    if (this.#names === null) {
      const c = this.#config;
      let header: string[] | null = null;
      if (c.hasHeader) {
        const lines = await this.#lines();
        if (lines.length === 0) throw new Error('No data was found for CSV parsing.');
        header = this.#split(lines[0]!);
      }
      const names = c.columnNames ?? header;
      if (names === null) throw new Error('Column names must be provided if there is no header line.');
      if (c.columnNames !== undefined && header !== null && header.length !== names.length)
        throw new Error(
          `The length of provided columnNames (${names.length}) does not match the length of the header line read from file (${header.length}).`,
        );
      const dup = names.filter((n, i) => names.indexOf(n) !== i);
      if (dup.length > 0) throw new Error(`Duplicate column names found: ${[...new Set(dup)].join(',')}`);
      for (const key of Object.keys(c.columnConfigs ?? {}))
        if (!names.includes(key))
          throw new Error(
            `The key "${key}" provided in columnConfigs does not match any of the column names (${names.join(',')}).`,
          );
      this.#names = names;
    }
    const cfg = this.#config.columnConfigs;
    return this.#config.configuredColumnsOnly === true && cfg !== undefined ? Object.keys(cfg) : [...this.#names];
  }

  override async iterator(): Promise<FnIterator<unknown>> {
    await this.columnNames();
    const lines = await this.#lines();
    let i = this.#config.hasHeader ? 1 : 0;
    return new FnIterator(async () =>
      i < lines.length ? { value: this.#element(lines[i++]!), done: false } : { value: null, done: true },
    );
  }

  #element(line: string): unknown {
    const names = this.#names!;
    const values = this.#split(line);
    if (values.length !== names.length)
      throw new Error(
        `Invalid row in csv file. Should have ${names.length} elements in a row, but got ${values.join(',')}`,
      );
    const features: Record<string, unknown> = {};
    const labels: Record<string, unknown> = {};
    names.forEach((key, i) => {
      const config = this.#config.columnConfigs?.[key];
      if (this.#config.configuredColumnsOnly === true && config === undefined) return;
      const value = values[i]!;
      let parsed: unknown;
      if (value === '') {
        if (config?.default !== undefined) parsed = config.default;
        else if (config?.required === true || config?.isLabel === true)
          throw new Error(`Required column ${key} is empty in this line: ${line}`);
        else parsed = undefined;
      } else {
        const n = Number(value);
        const bool = (): number => (value === '1' || value.toLowerCase() === 'true' ? 1 : 0);
        if (Number.isNaN(n)) parsed = config?.dtype === 'bool' ? bool() : value;
        else if (config?.dtype === 'int32') parsed = Math.floor(n);
        else if (config?.dtype === 'bool') parsed = bool();
        else parsed = n;
      }
      if (config?.isLabel === true) labels[key] = parsed;
      else features[key] = parsed;
    });
    return Object.keys(labels).length === 0 ? features : { xs: features, ys: labels };
  }
}

export function csv(source: string, config: CSVConfig = {}): CSVDataset {
  return new CSVDataset(source, config);
}
