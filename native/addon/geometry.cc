#include "geometry.h"

#include <cmath>
#include <sstream>

namespace dn::addon {
namespace {

constexpr double kMaxDim = 2147483647.0;
constexpr double kMaxSafe = 9007199254740991.0;

template <class... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}

std::string bound(double x) { return cat(static_cast<long long>(x)); }

std::size_t dim(const FieldReader& read, const char* key, double lo, double hi) {
  const Field f = read(key);
  const std::string expected = cat("integer in [", bound(lo), ", ", bound(hi), "]");
  if (f.kind != Field::number)
    throw ArgError(true, cat("Expected ", expected, " for geometry.", key, " but received ", f.shown));
  const double d = f.value;
  if (!(d >= lo && d <= hi) || std::floor(d) != d) {
    throw ArgError(false, cat("Expected ", expected, " for geometry.", key, " but received ", f.shown));
  }
  return static_cast<std::size_t>(d);
}

bool flag(const FieldReader& read, const char* key, bool fallback) {
  const Field f = read(key);
  if (f.kind == Field::undefined) return fallback;
  if (f.kind != Field::boolean)
    throw ArgError(true, cat("Expected boolean for geometry.", key, " but received ", f.shown));
  return f.flag;
}

std::size_t mul(std::size_t a, std::size_t b, const char* what) {
  if (static_cast<double>(a) * static_cast<double>(b) > kMaxSafe) {
    throw ArgError(false, cat("Expected ", what, " to be at most 9007199254740991 but ", a, " * ", b, " overflows"));
  }
  return a * b;
}

}  // namespace

const char* const kConvKeys[16] = {"n",  "c",  "h",  "w",  "k",  "kh", "kw", "sh",
                                   "sw", "pt", "pb", "pl", "pr", "dh", "dw", "groups"};

CheckedConv check_conv_geometry(const FieldReader& read) {
  ConvGeometry g{};
  g.n = dim(read, "n", 0, kMaxDim);
  g.c = dim(read, "c", 1, kMaxDim);
  g.h = dim(read, "h", 1, kMaxDim);
  g.w = dim(read, "w", 1, kMaxDim);
  g.k = dim(read, "k", 1, kMaxDim);
  g.kh = dim(read, "kh", 1, kMaxDim);
  g.kw = dim(read, "kw", 1, kMaxDim);
  g.sh = dim(read, "sh", 1, kMaxDim);
  g.sw = dim(read, "sw", 1, kMaxDim);
  g.pt = dim(read, "pt", 0, kMaxDim);
  g.pb = dim(read, "pb", 0, kMaxDim);
  g.pl = dim(read, "pl", 0, kMaxDim);
  g.pr = dim(read, "pr", 0, kMaxDim);
  g.dh = dim(read, "dh", 1, kMaxDim);
  g.dw = dim(read, "dw", 1, kMaxDim);
  g.groups = dim(read, "groups", 1, kMaxDim);
  if (g.c % g.groups != 0) {
    throw ArgError(false, cat("Expected input channels divisible by groups but c = ", g.c, " and groups = ", g.groups));
  }
  if (g.k % g.groups != 0) {
    throw ArgError(false,
                   cat("Expected output channels divisible by groups but k = ", g.k, " and groups = ", g.groups));
  }
  // All terms are below 2^33, so this arithmetic cannot overflow 64 bits.
  const long long span_h = static_cast<long long>(g.h + g.pt + g.pb) - static_cast<long long>(g.dh * (g.kh - 1)) - 1;
  const long long span_w = static_cast<long long>(g.w + g.pl + g.pr) - static_cast<long long>(g.dw * (g.kw - 1)) - 1;
  // Floor division, as JavaScript's Math.floor in the reference checks.
  auto floor_div = [](long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  const long long oh = floor_div(span_h, static_cast<long long>(g.sh)) + 1;
  const long long ow = floor_div(span_w, static_cast<long long>(g.sw)) + 1;
  if (oh < 1 || ow < 1) {
    throw ArgError(false, cat("Expected a non-empty output but an input of ", g.h, "x", g.w, " (padded by ", g.pt, ",",
                              g.pb, ",", g.pl, ",", g.pr, ") convolved with kernel ", g.kh, "x", g.kw, ", stride ",
                              g.sh, "x", g.sw, " and dilation ", g.dh, "x", g.dw, " gives ", oh, "x", ow));
  }
  g.oh = static_cast<std::size_t>(oh);
  g.ow = static_cast<std::size_t>(ow);
  CheckedConv r{g, 0, 0, 0};
  const std::size_t cg = g.c / g.groups;
  r.x_size = mul(mul(mul(g.n, g.c, "n * c"), g.h, "n * c * h"), g.w, "n * c * h * w");
  r.w_size = mul(mul(mul(g.k, cg, "k * c / groups"), g.kh, "k * c / groups * kh"), g.kw, "k * c / groups * kh * kw");
  r.out_size = mul(mul(mul(g.n, g.k, "n * k"), g.oh, "n * k * oh"), g.ow, "n * k * oh * ow");
  mul(mul(cg * g.kh * g.kw, g.oh, "c / groups * kh * kw * oh"), g.ow, "c / groups * kh * kw * oh * ow");
  return r;
}

dn_pool2d_geometry check_pool_geometry(const FieldReader& read, bool dilated, bool avg) {
  dn_pool2d_geometry g{};
  const std::size_t n = dim(read, "n", 0, kMaxDim), c = dim(read, "c", 0, kMaxDim);
  g.h = dim(read, "h", 1, kMaxDim);
  g.w = dim(read, "w", 1, kMaxDim);
  g.kh = dim(read, "kh", 1, kMaxDim);
  g.kw = dim(read, "kw", 1, kMaxDim);
  g.sh = dim(read, "sh", 1, kMaxDim);
  g.sw = dim(read, "sw", 1, kMaxDim);
  g.ph = dim(read, "ph", 0, static_cast<double>(g.kh / 2));
  g.pw = dim(read, "pw", 0, static_cast<double>(g.kw / 2));
  g.dh = dilated ? dim(read, "dh", 1, kMaxDim) : 1;
  g.dw = dilated ? dim(read, "dw", 1, kMaxDim) : 1;
  const bool ceil = flag(read, "ceilMode", false);
  const auto H = static_cast<long long>(g.h), W = static_cast<long long>(g.w);
  const long long oh = dn_pool2d_out_size(H, static_cast<long long>(g.kh), static_cast<long long>(g.sh),
                                          static_cast<long long>(g.ph), static_cast<long long>(g.dh), ceil);
  const long long ow = dn_pool2d_out_size(W, static_cast<long long>(g.kw), static_cast<long long>(g.sw),
                                          static_cast<long long>(g.pw), static_cast<long long>(g.dw), ceil);
  if (oh < 1 || ow < 1) {
    throw ArgError(false, cat("Expected a non-empty output but an input of ", g.h, "x", g.w, " pooled with kernel ",
                              g.kh, "x", g.kw, ", stride ", g.sh, "x", g.sw, ", padding ", g.ph, "x", g.pw,
                              " and dilation ", g.dh, "x", g.dw, " gives ", oh, "x", ow));
  }
  g.oh = static_cast<std::size_t>(oh);
  g.ow = static_cast<std::size_t>(ow);
  g.planes = mul(n, c, "n * c");
  mul(mul(g.planes, g.h, "n * c * h"), g.w, "n * c * h * w");
  mul(mul(g.planes, g.oh, "n * c * oh"), g.ow, "n * c * oh * ow");
  if (avg) {
    g.count_include_pad = flag(read, "countIncludePad", true);
    const Field d = read("divisorOverride");
    g.divisor = d.kind == Field::undefined ? 0 : dim([&d](const char*) { return d; }, "divisorOverride", 0, kMaxDim);
  }
  return g;
}

dn_pool2d_geometry check_adaptive_geometry(const FieldReader& read) {
  dn_pool2d_geometry g{};
  const std::size_t n = dim(read, "n", 0, kMaxDim), c = dim(read, "c", 0, kMaxDim);
  g.h = dim(read, "h", 1, kMaxDim);
  g.w = dim(read, "w", 1, kMaxDim);
  g.oh = dim(read, "oh", 1, kMaxDim);
  g.ow = dim(read, "ow", 1, kMaxDim);
  g.planes = mul(n, c, "n * c");
  mul(mul(g.planes, g.h, "n * c * h"), g.w, "n * c * h * w");
  mul(mul(g.planes, g.oh, "n * c * oh"), g.ow, "n * c * oh * ow");
  return g;
}

}  // namespace dn::addon
