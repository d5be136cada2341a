/**
 * Import this first in a test file whose code reaches sgemm (matmul, linear, nn.Linear). The
 * native addon gains sgemm separately; while the built addon lacks it, such files run on the
 * reference backend (as with DROPNET_BACKEND=js), and on the active backend once it has it.
 * An explicit DROPNET_BACKEND always wins. Vitest isolates test files, so the choice is per file.
 */
import { loadNative } from '../../lib/backend/native.js';

if (process.env.DROPNET_BACKEND === undefined || process.env.DROPNET_BACKEND === '') {
  const loaded = loadNative();
  if (loaded.ok && typeof (loaded.backend as { sgemm?: unknown }).sgemm !== 'function') process.env.DROPNET_BACKEND = 'js';
}
