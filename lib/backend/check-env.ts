/**
 * Validation of the DROPNET_* environment variables. A bad value is reported with one warning
 * and ignored: an environment typo must not stop a server from starting.
 */
import { ISA_NAMES } from './constants.js';

type Warn = (message: string, code: string) => void;

export const check = {
  backend(value: string | undefined, warn: Warn): 'js' | 'native' | undefined {
    if (value === undefined || value === '') return undefined;
    if (value === 'js' || value === 'native') return value;
    warn(`DROPNET_BACKEND must be "js" or "native" but is "${value}"; ignoring it.`, 'DROPNET_BAD_ENV');
    return undefined;
  },

  isa(value: string | undefined, warn: Warn): string | undefined {
    if (value === undefined || value === '') return undefined;
    if ((ISA_NAMES as readonly string[]).includes(value)) return value;
    warn(`DROPNET_ISA must be one of ${ISA_NAMES.join(', ')} but is "${value}"; ignoring it.`, 'DROPNET_BAD_ENV');
    return undefined;
  },

  threads(value: string | undefined, warn: Warn): number | undefined {
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (/^\s*\d+\s*$/.test(value) && n >= 1 && n <= 256) return n;
    warn(`DROPNET_NUM_THREADS must be an integer in [1, 256] but is "${value}"; ignoring it.`, 'DROPNET_BAD_ENV');
    return undefined;
  },
};
