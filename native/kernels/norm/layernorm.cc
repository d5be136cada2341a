// Layer normalization, baseline ISA (see layernorm.h for the formulas and the summation order).
// Row statistics in double with four partial sums: the sums are exact enough for rows with a
// large mean (the deviations are summed in a second pass, not as E[x^2] - E[x]^2) and the order
// is fixed, so every thread split gives the same bits.
#include "layernorm.h"

#include <cmath>
#include <vector>

namespace {

// S(v) of layernorm.h: element j into partial j % 4, then (p0 + p1) + (p2 + p3).
template <class F>
double sum4(size_t n, F&& value) {
  double p[4] = {0.0, 0.0, 0.0, 0.0};
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    p[0] += value(j);
    p[1] += value(j + 1);
    p[2] += value(j + 2);
    p[3] += value(j + 3);
  }
  for (size_t k = 0; j + k < n; ++k) p[k] += value(j + k);
  return (p[0] + p[1]) + (p[2] + p[3]);
}

void row_stats(const float* x, size_t n, double eps, double* mean, double* rstd) {
  const double m = sum4(n, [x](size_t j) { return static_cast<double>(x[j]); }) / static_cast<double>(n);
  const double q = sum4(n, [x, m](size_t j) {
    const double c = static_cast<double>(x[j]) - m;
    return c * c;
  });
  *mean = m;
  *rstd = 1.0 / std::sqrt(q / static_cast<double>(n) + eps);
}

}  // namespace

extern "C" {

void dn_layernorm_forward(float* y, const float* x, const float* weight, const float* bias, size_t n, double eps,
                          size_t row_begin, size_t row_end) {
  for (size_t r = row_begin; r < row_end; ++r) {
    const float* xr = x + r * n;
    float* yr = y + r * n;
    double m = 0.0;
    double rs = 0.0;
    row_stats(xr, n, eps, &m, &rs);
    for (size_t j = 0; j < n; ++j) {
      double v = (static_cast<double>(xr[j]) - m) * rs;
      if (weight != nullptr) v *= weight[j];
      if (bias != nullptr) v += bias[j];
      yr[j] = static_cast<float>(v);
    }
  }
}

void dn_layernorm_stats(double* mean, double* rstd, const float* x, size_t n, double eps, size_t row_begin,
                        size_t row_end) {
  for (size_t r = row_begin; r < row_end; ++r) row_stats(x + r * n, n, eps, mean + r, rstd + r);
}

void dn_layernorm_backward_data(float* dx, const float* dy, const float* x, const float* weight, const double* mean,
                                const double* rstd, size_t n, size_t row_begin, size_t row_end) {
  const double inv_n = 1.0 / static_cast<double>(n);
  for (size_t r = row_begin; r < row_end; ++r) {
    const float* xr = x + r * n;
    const float* dyr = dy + r * n;
    float* dxr = dx + r * n;
    const double m = mean[r];
    const double rs = rstd[r];
    auto g = [=](size_t j) {
      double v = dyr[j];
      if (weight != nullptr) v *= weight[j];
      return v;
    };
    const double sg = sum4(n, g);
    const double sgx = sum4(n, [=](size_t j) { return g(j) * ((static_cast<double>(xr[j]) - m) * rs); });
    const double mg = sg * inv_n;
    const double mgx = sgx * inv_n;
    for (size_t j = 0; j < n; ++j) {
      const double xhat = (static_cast<double>(xr[j]) - m) * rs;
      dxr[j] = static_cast<float>(rs * (g(j) - mg - xhat * mgx));
    }
  }
}

void dn_layernorm_backward_params(float* dweight, float* dbias, const float* dy, const float* x, const double* mean,
                                  const double* rstd, size_t rows, size_t n, size_t col_begin, size_t col_end) {
  const size_t width = col_end - col_begin;
  std::vector<double> sw(dweight != nullptr ? width : 0, 0.0);
  std::vector<double> sb(dbias != nullptr ? width : 0, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * n + col_begin;
    const float* dyr = dy + r * n + col_begin;
    const double m = mean[r];
    const double rs = rstd[r];
    if (dweight != nullptr) {
      for (size_t j = 0; j < width; ++j) sw[j] += static_cast<double>(dyr[j]) * ((static_cast<double>(xr[j]) - m) * rs);
    }
    if (dbias != nullptr) {
      for (size_t j = 0; j < width; ++j) sb[j] += dyr[j];
    }
  }
  for (size_t j = 0; j < width; ++j) {
    if (dweight != nullptr) dweight[col_begin + j] = static_cast<float>(sw[j]);
    if (dbias != nullptr) dbias[col_begin + j] = static_cast<float>(sb[j]);
  }
}

}  // extern "C"
