// The SGEMM driver, BLIS-style: for each nc-wide block of C's columns and each kc-deep slice of
// K, pack B's kc x nc block (it then streams from L2/L3 with unit stride), and for each mc-tall
// block of rows pack A's mc x kc block (it stays in L2); then sweep the micro-kernel over the
// tiles, each B micro-panel reused from L1 across every A micro-panel of the block. When C is
// only a few panels wide, a row-major A is not packed at all: micro-kernels read its rows in
// place, since each packed element would be used just once or twice.
//
// K is cut into equal slices that depend only on K and the ISA's kc, never on threads: every
// element of C therefore sees the same sums in the same order however M and N are split.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "gemm.h"
#include "gemm_driver.h"
#include "pack.h"

namespace dn {
namespace {

using std::size_t;

size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }
size_t round_up(size_t a, size_t b) { return ceil_div(a, b) * b; }

// Below this many multiply-adds (m*n*k) one thread finishes before a second one would help:
// handing work to the pool costs a few microseconds. On Zen 4, 2 threads start to win between
// 32^3 and 40^3 (back-to-back calls, workers still spinning); 48^3 already runs 25% faster.
constexpr double kParallelMinFmas = 1 << 16;

// From this size on, C is cut into two tasks per thread, handed out as threads free up: when
// another process takes a core for a while, the other thread picks up its share instead of
// waiting at the end. Each task then still has >= 2^20 multiply-adds to amortise its packing.
// Measured on a 2-core machine with one core kept busy: 512^3 went from 1.3x to 1.5-1.9x the
// single-thread rate, with no loss when both cores are free.
constexpr double kTwoTasksPerThreadFmas = 1 << 22;

// Packing buffers of the calling thread, kept between calls (they only grow), so that repeated
// calls of the same size do not allocate. Pool threads work in slices of the caller's buffer.
class Workspace {
 public:
  ~Workspace() { std::free(raw_); }
  float* get(size_t floats) {
    if (floats > capacity_) {
      std::free(raw_);
      raw_ = nullptr;
      capacity_ = 0;
      raw_ = std::malloc(floats * sizeof(float) + 64);
      if (raw_ == nullptr) throw std::bad_alloc();
      capacity_ = floats;
    }
    const auto addr = reinterpret_cast<std::uintptr_t>(raw_);
    return reinterpret_cast<float*>((addr + 63) & ~std::uintptr_t{63});
  }

 private:
  void* raw_ = nullptr;
  size_t capacity_ = 0;
};

thread_local Workspace t_workspace;

struct Problem {
  dn_f32_gemm_config g;
  size_t m, n, k;
  size_t kc;  // depth of every K slice but possibly the last
  const float* a;
  size_t a_rs, a_cs;  // op(A)(i, p) = a[i * a_rs + p * a_cs]
  const float* b;
  size_t b_rs, b_cs;  // op(B)(p, j) = b[j * b_rs + p * b_cs]
  float* c;
  size_t ldc;
  float alpha, beta, slope;
  const float* bias;
  const float* row_bias;
  int kernel_act;       // fused in the micro-kernel (DN_GEMM_ACT_*)
  Activation post_act;  // applied by the driver to each finished tile (none if fused)
  bool a_in_place;      // micro-kernels read A's rows where they are (no A packing)
};

// One task's share of C: rows [m0, m1) x columns [n0, n1), with its own packing buffers.
struct Task {
  size_t m0, m1, n0, n1;
  size_t mc, nc;  // block sizes for this task's ranges
};

void run_task(const Problem& P, const Task& t, float* apack, float* bpack) {
  const dn_f32_gemm_config& g = P.g;
  dn_f32_gemm_params prm;
  prm.slope = P.slope;
  prm.alpha = P.alpha;
  prm.row_bias = nullptr;
  for (size_t jc = t.n0; jc < t.n1; jc += t.nc) {
    const size_t nc = std::min(t.nc, t.n1 - jc);
    for (size_t pc = 0; pc < P.k; pc += P.kc) {
      const size_t kc = std::min(P.kc, P.k - pc);
      const bool last = pc + kc == P.k;
      gemm::pack_panels(bpack, P.b + jc * P.b_rs + pc * P.b_cs, nc, kc, P.b_rs, P.b_cs, g.nr);
      // Later slices accumulate onto what the first one stored; only the last one finishes.
      prm.beta = pc == 0 ? P.beta : 1.0f;
      prm.act = last ? P.kernel_act : DN_GEMM_ACT_NONE;
      const bool post = last && P.post_act != Activation::none;
      for (size_t ic = t.m0; ic < t.m1; ic += t.mc) {
        const size_t mc = std::min(t.mc, t.m1 - ic);
        const float* ablock = P.a + ic * P.a_rs + pc * P.a_cs;
        if (!P.a_in_place) gemm::pack_panels(apack, ablock, mc, kc, P.a_rs, P.a_cs, g.mr);
        for (size_t jr = 0; jr < nc; jr += g.nr) {
          const size_t nr = std::min(g.nr, nc - jr);
          prm.bias = last && P.bias != nullptr ? P.bias + jc + jr : nullptr;
          const float* bp = bpack + jr * kc;
          float* cj = P.c + jc + jr;
          for (size_t ir = 0; ir < mc; ir += g.mr) {
            const size_t mr = std::min(g.mr, mc - ir);
            float* ct = cj + (ic + ir) * P.ldc;
            prm.row_bias = last && P.row_bias != nullptr ? P.row_bias + ic + ir : nullptr;
            if (P.a_in_place) {
              g.ukernel(mr, nr, kc, ablock + ir * P.a_rs, P.a_rs, bp, ct, P.ldc, &prm);
            } else {
              g.ukernel(mr, nr, kc, apack + ir * kc, 0, bp, ct, P.ldc, &prm);
            }
            if (post) gemm::activate(ct, P.ldc, mr, nr, P.post_act, P.slope);
          }
        }
      }
    }
  }
}

// The narrow path (few columns; the ISA's narrow kernel, vectorised along M): all of C's
// columns in one tile, rows in tiles of narrow_mr; per K slice (the slices the blocked path
// cuts) B packed once, A read in place (its rows transposed in registers) or, when transposed,
// a row panel packed just before its tile. Rows [m0, m1); ws holds (narrow_mr + n) * kc floats.
void run_narrow(const Problem& P, size_t m0, size_t m1, float* ws) {
  const dn_f32_gemm_config& g = P.g;
  const bool in_place = P.a_cs == 1;
  float* apack = ws;
  float* bpack = ws + g.narrow_mr * P.kc;
  dn_f32_gemm_params prm;
  prm.slope = P.slope;
  prm.alpha = P.alpha;
  prm.bias = nullptr;
  for (size_t pc = 0; pc < P.k; pc += P.kc) {
    const size_t kc = std::min(P.kc, P.k - pc);
    const bool last = pc + kc == P.k;
    gemm::pack_panels(bpack, P.b + pc * P.b_cs, P.n, kc, P.b_rs, P.b_cs, P.n);
    prm.beta = pc == 0 ? P.beta : 1.0f;
    prm.act = last ? P.kernel_act : DN_GEMM_ACT_NONE;
    prm.bias = last ? P.bias : nullptr;
    const bool post = last && P.post_act != Activation::none;
    for (size_t i0 = m0; i0 < m1; i0 += g.narrow_mr) {
      const size_t mr = std::min(g.narrow_mr, m1 - i0);
      const float* ablock = P.a + i0 * P.a_rs + pc * P.a_cs;
      float* ct = P.c + i0 * P.ldc;
      prm.row_bias = last && P.row_bias != nullptr ? P.row_bias + i0 : nullptr;
      if (in_place) {
        g.narrow(mr, P.n, kc, ablock, P.a_rs, bpack, ct, P.ldc, &prm);
      } else {
        gemm::pack_panels(apack, ablock, mr, kc, P.a_rs, P.a_cs, g.narrow_mr);
        g.narrow(mr, P.n, kc, apack, 0, bpack, ct, P.ldc, &prm);
      }
      if (post) gemm::activate(ct, P.ldc, mr, P.n, P.post_act, P.slope);
    }
  }
}

// Whether the narrow path runs a product: the ISA has the kernel and C is wider than one
// vector (at most 8 columns run the 6x16 kernel's one-vector loop, none of its lanes wasted)
// but no wider than the narrow tile, with a tile of rows at least, and K is deep enough to
// amortise the transposes of A (AVX2, one thread, against the 6x16 kernel: 128 x 10 x 64
// 1.16x, 128 x 10 x 128 1.18x; but 256 x 11 x 33 0.96x, 512 x 10 x 16 1.01x). Shape only,
// never threads: the bits are the blocked path's either way, and the choice stays put.
bool narrow_pays(const dn_f32_gemm_config& g, size_t m, size_t n, size_t k) {
  constexpr size_t kNarrowMaxKc = 256;  // the narrow kernel's deepest call (gemm.h); slices are at most kc
  return g.narrow != nullptr && g.kc <= kNarrowMaxKc && n > 8 && n <= g.narrow_nr && m >= g.narrow_mr && k >= 64;
}

// Block size for `len` elements cut into pieces of at most `max` (a multiple of `unit`), as
// even as the unit allows: no thin last block.
size_t balanced_block(size_t len, size_t max, size_t unit) {
  const size_t blocks = ceil_div(len, max);
  return std::min(max, round_up(ceil_div(len, blocks), unit));
}

// Splits the mt x nt tiles of C into at most `tasks` tasks as a tm x tn grid, minimising the
// largest task's work: its FMAs plus the packing it repeats (each task packs its own A rows and
// B columns; a packed element costs about as much as 8 FMA lanes).
void choose_grid(size_t mt, size_t nt, size_t mr, size_t nr, size_t tasks, size_t* tm, size_t* tn) {
  double best = -1;
  for (size_t a = 1; a <= tasks && a <= mt; ++a) {
    const size_t b = std::min(tasks / a, nt);
    const double rows = static_cast<double>(ceil_div(mt, a) * mr);
    const double cols = static_cast<double>(ceil_div(nt, b) * nr);
    const double cost = rows * cols + 8.0 * (rows + cols);
    if (best < 0 || cost < best) {
      best = cost;
      *tm = a;
      *tn = b;
    }
  }
}

// Whether reading a row-major A in place beats packing it, for a task spanning `panels` NR-wide
// column panels: packing costs about one pass over the block, and pays off only when every
// packed micro-panel is then reused across enough column panels.
// Measured (AVX2, Zen 4): in place wins by up to 15% at 2..8 panels (n = 32..128) and loses
// 2-3% on large squares.
bool a_in_place_pays(size_t panels) { return panels <= 8; }

// C = beta * C (+ bias, activation) when the product contributes nothing (alpha == 0 or k == 0),
// written exactly as the reference does it.
void scale_only(const Problem& P) {
  const float prod = P.alpha == 0.0f ? 0.0f : P.alpha * 0.0f;
  for (size_t i = 0; i < P.m; ++i) {
    float* ci = P.c + i * P.ldc;
    for (size_t j = 0; j < P.n; ++j) {
      float t = P.beta == 0.0f ? prod : prod + P.beta * ci[j];
      if (P.bias != nullptr) t += P.bias[j];
      if (P.row_bias != nullptr) t += P.row_bias[i];
      ci[j] = t;
    }
  }
  Activation act = P.post_act;
  if (P.kernel_act == DN_GEMM_ACT_RELU) act = Activation::relu;
  if (P.kernel_act == DN_GEMM_ACT_LEAKY_RELU) act = Activation::leaky_relu;
  gemm::activate(P.c, P.ldc, P.m, P.n, act, P.slope);
}

thread_local GemmPath t_last_path = GemmPath::none;

void sgemm_blocked(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                   const float* b, size_t ldb, float beta, float* c, size_t ldc, const GemmEpilogue& epilogue,
                   const dn_f32_gemm_config& g) {
  Problem P;
  P.g = g;
  P.m = m, P.n = n, P.k = k;
  P.a = a, P.b = b, P.c = c, P.ldc = ldc;
  P.a_rs = trans_a ? 1 : lda, P.a_cs = trans_a ? lda : 1;
  P.b_rs = trans_b ? ldb : 1, P.b_cs = trans_b ? 1 : ldb;
  P.alpha = alpha, P.beta = beta, P.slope = epilogue.slope;
  P.bias = epilogue.bias;
  P.row_bias = epilogue.row_bias;
  P.post_act = gemm::fused_in_kernel(epilogue.act, &P.kernel_act) ? Activation::none : epilogue.act;
  if (alpha == 0.0f || k == 0) return scale_only(P);

  const double fmas = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const size_t threads = static_cast<size_t>(num_threads());
  if (narrow_pays(g, m, n, k)) {
    t_last_path = GemmPath::narrow;
    P.kc = ceil_div(k, ceil_div(k, g.kc));
    const size_t panels = ceil_div(m, g.narrow_mr);
    const size_t tasks = threads > 1 && fmas >= kParallelMinFmas ? std::min(threads, panels) : 1;
    const size_t rows_per = ceil_div(panels, tasks) * g.narrow_mr;
    const size_t per_task = round_up((g.narrow_mr + n) * P.kc, 16);
    float* ws = t_workspace.get(per_task * tasks);
    if (tasks == 1) return run_narrow(P, 0, m, ws);
    parallel_for(tasks, [&](size_t id) {
      const size_t m0 = std::min(m, id * rows_per);
      run_narrow(P, m0, std::min(m, m0 + rows_per), ws + id * per_task);
    });
    return;
  }
  if ((threads == 1 || fmas < kParallelMinFmas) && k <= g.kc && m <= g.mc && n <= g.nc) {
    // One block, one task (the tiny products): the same blocks the general set-up below would
    // choose, without its dozen integer divisions, and packed on the stack when that fits.
    t_last_path = GemmPath::single_block;
    P.kc = k;
    P.a_in_place = !trans_a && a_in_place_pays((n + g.nr - 1) / g.nr);
    const size_t a_floats = P.a_in_place ? 0 : (m + g.mr - 1) / g.mr * g.mr * k;
    const size_t b_floats = (n + g.nr - 1) / g.nr * g.nr * k;
    const Task t{0, m, 0, n, g.mc, g.nc};
    constexpr size_t kStackFloats = 2048;
    if (a_floats + b_floats <= kStackFloats) {
      alignas(64) float stack[kStackFloats];
      return run_task(P, t, stack, stack + a_floats);
    }
    float* ws = t_workspace.get(a_floats + b_floats);
    return run_task(P, t, ws, ws + a_floats);
  }
  t_last_path = GemmPath::blocked;
  P.kc = ceil_div(k, ceil_div(k, g.kc));

  const size_t mt = ceil_div(m, g.mr), nt = ceil_div(n, g.nr);
  size_t tm = 1, tn = 1;
  if (threads > 1 && fmas >= kParallelMinFmas) {
    const size_t tasks = threads * (fmas >= kTwoTasksPerThreadFmas ? 2 : 1);
    choose_grid(mt, nt, g.mr, g.nr, tasks, &tm, &tn);
  }

  // Task (i, j) gets a contiguous, tile-aligned range of rows and of columns.
  const size_t rows_per = ceil_div(mt, tm) * g.mr, cols_per = ceil_div(nt, tn) * g.nr;
  tm = ceil_div(m, rows_per), tn = ceil_div(n, cols_per);
  const size_t mc = balanced_block(std::min(rows_per, m), g.mc, g.mr);
  const size_t nc = balanced_block(std::min(cols_per, n), g.nc, g.nr);
  P.a_in_place = !trans_a && a_in_place_pays(ceil_div(std::min(cols_per, n), g.nr));
  const size_t a_floats = P.a_in_place ? 0 : round_up(round_up(mc, g.mr) * P.kc, 16);
  const size_t b_floats = round_up(round_up(nc, g.nr) * P.kc, 16);
  const size_t per_task = a_floats + b_floats;
  float* ws = t_workspace.get(per_task * tm * tn);

  auto task = [&](size_t id) {
    const size_t i = id / tn, j = id % tn;
    Task t;
    t.m0 = i * rows_per, t.m1 = std::min(m, t.m0 + rows_per);
    t.n0 = j * cols_per, t.n1 = std::min(n, t.n0 + cols_per);
    t.mc = mc, t.nc = nc;
    float* apack = ws + id * per_task;
    run_task(P, t, apack, apack + a_floats);
  };
  if (tm * tn == 1) {
    task(0);  // no pool round trip for small problems
  } else {
    parallel_for(tm * tn, [&task](size_t id) { task(id); });
  }
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc, const GemmEpilogue& epilogue) {
  if (m == 0 || n == 0) return;
  const dn_f32_gemm_config g = active().gemm;  // one table for the whole call, even if the ISA is switched meanwhile
  sgemm_blocked(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue, g);
}

GemmPath gemm::last_path() { return t_last_path; }

void linear_forward(float* out, const float* x, const float* w, const float* bias, size_t batch, size_t in_features,
                    size_t out_features, Activation act) {
  GemmEpilogue e;
  e.act = act;
  const size_t ld = in_features > 0 ? in_features : 1;
  if (2 * batch <= out_features && batch <= 256) {
    // A small batch: out^T = w . x^T reads the weight rows in place and packs only x, which is
    // several times smaller than w, then transposes the small result. Every element is the
    // same sum in the same order with the same bias and activation, so the bits are those of
    // the direct product (measured: MLP 784-256 at batch 64 and Linear(4096, 128) at batch 32
    // spent a third of their forward time packing w).
    thread_local std::vector<float> t_out;
    if (t_out.size() < batch * out_features) t_out.resize(batch * out_features);
    float* ct = t_out.data();
    e.row_bias = bias;
    sgemm(false, true, out_features, batch, in_features, 1.0f, w, ld, x, ld, 0.0f, ct, batch, e);
    for (size_t i = 0; i < batch; ++i) {
      float* oi = out + i * out_features;
      for (size_t j = 0; j < out_features; ++j) oi[j] = ct[j * batch + i];
    }
    return;
  }
  e.bias = bias;
  sgemm(false, true, batch, out_features, in_features, 1.0f, x, ld, w, ld, 0.0f, out, out_features, e);
}

}  // namespace dn
