// Pooling kernels (baseline ISA: pooling streams its input once and is bound by memory, and the
// windowed loops do not vectorise across the irregular edges profitably). Sums are accumulated
// in float in window order, which the reference backend repeats exactly.
#include "pool2d.h"

#include <cmath>
#include <cstring>

extern "C" {

long long dn_pool2d_out_size(long long in, long long k, long long s, long long p, long long d, int ceil_mode) {
  const long long span = in + 2 * p - d * (k - 1) - 1;
  if (span < 0) return 0;
  long long out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  // PyTorch: with ceil_mode the last window must start inside the image or its left padding.
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

}  // extern "C"

namespace {

// Max pooling when every window lies inside the image (no padding, no ceil-mode overhang):
// the window's elements are visited in the same order with the same rule as below, but for a
// whole output row at a time, so the loop over outputs is branch-free and vectorises.
void maxpool2d_forward_inside(float* out, int32_t* indices, const float* x, const dn_pool2d_geometry* g,
                              size_t plane_begin, size_t plane_end) {
  const size_t W = g->w, ow = g->ow, sw = g->sw;
  for (size_t plane = plane_begin; plane < plane_end; ++plane) {
    const float* xp = x + plane * g->h * W;
    for (size_t oy = 0; oy < g->oh; ++oy) {
      float* __restrict best = out + (plane * g->oh + oy) * ow;
      int32_t* __restrict at = indices + (plane * g->oh + oy) * ow;
      const size_t y0 = oy * g->sh;
      for (size_t ox = 0; ox < ow; ++ox) {
        best[ox] = -INFINITY;
        at[ox] = static_cast<int32_t>(y0 * W + ox * sw);
      }
      for (size_t ky = 0; ky < g->kh; ++ky) {
        const size_t y = y0 + ky * g->dh;
        for (size_t kx = 0; kx < g->kw; ++kx) {
          const float* __restrict row = xp + y * W + kx * g->dw;
          const int32_t base = static_cast<int32_t>(y * W + kx * g->dw);
          for (size_t ox = 0; ox < ow; ++ox) {
            const float v = row[ox * sw];
            const bool take = (v > best[ox]) | (v != v);  // a larger value, or NaN
            best[ox] = take ? v : best[ox];
            at[ox] = take ? base + static_cast<int32_t>(ox * sw) : at[ox];
          }
        }
      }
    }
  }
}

}  // namespace

extern "C" {

void dn_maxpool2d_forward(float* out, int32_t* indices, const float* x, const dn_pool2d_geometry* g, size_t plane_begin,
                          size_t plane_end) {
  if (g->ph == 0 && g->pw == 0 && g->oh > 0 && g->ow > 0 && (g->oh - 1) * g->sh + (g->kh - 1) * g->dh < g->h &&
      (g->ow - 1) * g->sw + (g->kw - 1) * g->dw < g->w) {
    return maxpool2d_forward_inside(out, indices, x, g, plane_begin, plane_end);
  }
  const long long H = static_cast<long long>(g->h), W = static_cast<long long>(g->w);
  for (size_t plane = plane_begin; plane < plane_end; ++plane) {
    const float* xp = x + plane * g->h * g->w;
    float* op = out + plane * g->oh * g->ow;
    int32_t* ip = indices + plane * g->oh * g->ow;
    for (size_t oy = 0; oy < g->oh; ++oy) {
      const long long y0 = static_cast<long long>(oy * g->sh) - static_cast<long long>(g->ph);
      for (size_t ox = 0; ox < g->ow; ++ox) {
        const long long x0 = static_cast<long long>(ox * g->sw) - static_cast<long long>(g->pw);
        // PyTorch's rule: start at the window's first in-image element with -inf, take any
        // larger value or any NaN (so NaN propagates, and the last NaN wins).
        long long ys = y0, xs = x0;
        while (ys < 0) ys += static_cast<long long>(g->dh);
        while (xs < 0) xs += static_cast<long long>(g->dw);
        float best = -INFINITY;
        long long best_at = ys * W + xs;
        for (size_t ky = 0; ky < g->kh; ++ky) {
          const long long y = y0 + static_cast<long long>(ky * g->dh);
          if (y < 0 || y >= H) continue;
          for (size_t kx = 0; kx < g->kw; ++kx) {
            const long long xx = x0 + static_cast<long long>(kx * g->dw);
            if (xx < 0 || xx >= W) continue;
            const float v = xp[y * W + xx];
            if (v > best || std::isnan(v)) {
              best = v;
              best_at = y * W + xx;
            }
          }
        }
        op[oy * g->ow + ox] = best;
        ip[oy * g->ow + ox] = static_cast<int32_t>(best_at);
      }
    }
  }
}

void dn_maxpool2d_backward(float* dx, const float* dy, const int32_t* indices, const dn_pool2d_geometry* g,
                           size_t plane_begin, size_t plane_end) {
  const size_t in_plane = g->h * g->w, out_plane = g->oh * g->ow;
  for (size_t plane = plane_begin; plane < plane_end; ++plane) {
    float* dxp = dx + plane * in_plane;
    std::memset(dxp, 0, in_plane * sizeof(float));
    const float* dyp = dy + plane * out_plane;
    const int32_t* ip = indices + plane * out_plane;
    for (size_t o = 0; o < out_plane; ++o) {
      const int32_t at = ip[o];
      if (at >= 0 && static_cast<size_t>(at) < in_plane) dxp[at] += dyp[o];
    }
  }
}

namespace {

struct Window {
  long long y0, y1, x0, x1;  // clipped to the image
  float divisor;
};

Window avg_window(const dn_pool2d_geometry* g, size_t oy, size_t ox) {
  const long long H = static_cast<long long>(g->h), W = static_cast<long long>(g->w);
  long long y0 = static_cast<long long>(oy * g->sh) - static_cast<long long>(g->ph);
  long long x0 = static_cast<long long>(ox * g->sw) - static_cast<long long>(g->pw);
  long long y1 = y0 + static_cast<long long>(g->kh), x1 = x0 + static_cast<long long>(g->kw);
  if (y1 > H + static_cast<long long>(g->ph)) y1 = H + static_cast<long long>(g->ph);
  if (x1 > W + static_cast<long long>(g->pw)) x1 = W + static_cast<long long>(g->pw);
  const long long padded = (y1 - y0) * (x1 - x0);
  if (y0 < 0) y0 = 0;
  if (x0 < 0) x0 = 0;
  if (y1 > H) y1 = H;
  if (x1 > W) x1 = W;
  const long long inside = (y1 - y0) * (x1 - x0);
  const long long div = g->divisor > 0 ? static_cast<long long>(g->divisor) : (g->count_include_pad ? padded : inside);
  return {y0, y1, x0, x1, static_cast<float>(div)};
}

// Adaptive window along one dimension: [floor(o*in/out), ceil((o+1)*in/out)).
inline size_t adaptive_start(size_t o, size_t in, size_t out) { return (o * in) / out; }
inline size_t adaptive_end(size_t o, size_t in, size_t out) { return ((o + 1) * in + out - 1) / out; }

}  // namespace

void dn_avgpool2d_forward(float* out, const float* x, const dn_pool2d_geometry* g, size_t plane_begin,
                          size_t plane_end) {
  for (size_t plane = plane_begin; plane < plane_end; ++plane) {
    const float* xp = x + plane * g->h * g->w;
    float* op = out + plane * g->oh * g->ow;
    for (size_t oy = 0; oy < g->oh; ++oy) {
      for (size_t ox = 0; ox < g->ow; ++ox) {
        const Window win = avg_window(g, oy, ox);
        float sum = 0.0f;
        for (long long y = win.y0; y < win.y1; ++y)
          for (long long xx = win.x0; xx < win.x1; ++xx) sum += xp[y * static_cast<long long>(g->w) + xx];
        op[oy * g->ow + ox] = sum / win.divisor;
      }
    }
  }
}

void dn_avgpool2d_backward(float* dx, const float* dy, const dn_pool2d_geometry* g, size_t plane_begin,
                           size_t plane_end) {
  for (size_t plane = plane_begin; plane < plane_end; ++plane) {
    float* dxp = dx + plane * g->h * g->w;
    std::memset(dxp, 0, g->h * g->w * sizeof(float));
    const float* dyp = dy + plane * g->oh * g->ow;
    for (size_t oy = 0; oy < g->oh; ++oy) {
      for (size_t ox = 0; ox < g->ow; ++ox) {
        const Window win = avg_window(g, oy, ox);
        const float share = dyp[oy * g->ow + ox] / win.divisor;
        for (long long y = win.y0; y < win.y1; ++y)
          for (long long xx = win.x0; xx < win.x1; ++xx) dxp[y * static_cast<long long>(g->w) + xx] += share;
      }
    }
  }
}

void dn_adaptive_avgpool2d_forward(float* out, const float* x, const dn_pool2d_geometry* g, size_t plane_begin,
                                   size_t plane_end) {
  for (size_t plane = plane_begin; plane < plane_end; ++plane) {
    const float* xp = x + plane * g->h * g->w;
    float* op = out + plane * g->oh * g->ow;
    for (size_t oy = 0; oy < g->oh; ++oy) {
      const size_t y0 = adaptive_start(oy, g->h, g->oh), y1 = adaptive_end(oy, g->h, g->oh);
      for (size_t ox = 0; ox < g->ow; ++ox) {
        const size_t x0 = adaptive_start(ox, g->w, g->ow), x1 = adaptive_end(ox, g->w, g->ow);
        float sum = 0.0f;
        for (size_t y = y0; y < y1; ++y)
          for (size_t xx = x0; xx < x1; ++xx) sum += xp[y * g->w + xx];
        op[oy * g->ow + ox] = sum / static_cast<float>((y1 - y0) * (x1 - x0));
      }
    }
  }
}

void dn_adaptive_avgpool2d_backward(float* dx, const float* dy, const dn_pool2d_geometry* g, size_t plane_begin,
                                    size_t plane_end) {
  for (size_t plane = plane_begin; plane < plane_end; ++plane) {
    float* dxp = dx + plane * g->h * g->w;
    std::memset(dxp, 0, g->h * g->w * sizeof(float));
    const float* dyp = dy + plane * g->oh * g->ow;
    for (size_t oy = 0; oy < g->oh; ++oy) {
      const size_t y0 = adaptive_start(oy, g->h, g->oh), y1 = adaptive_end(oy, g->h, g->oh);
      for (size_t ox = 0; ox < g->ow; ++ox) {
        const size_t x0 = adaptive_start(ox, g->w, g->ow), x1 = adaptive_end(ox, g->w, g->ow);
        const float share = dyp[oy * g->ow + ox] / static_cast<float>((y1 - y0) * (x1 - x0));
        for (size_t y = y0; y < y1; ++y)
          for (size_t xx = x0; xx < x1; ++xx) dxp[y * g->w + xx] += share;
      }
    }
  }
}

}  // extern "C"
