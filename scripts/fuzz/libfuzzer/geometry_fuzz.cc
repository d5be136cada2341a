// libFuzzer harness for the geometry checks of the convolution and pooling bindings
// (native/addon/geometry.cc) and the kernels behind them. The input bytes become the values of
// the geometry's keys (numbers near the limits, NaN, infinities, fractions, booleans, missing
// keys, wrong types); whatever the checks accept is then run on buffers of exactly the sizes
// they computed, under AddressSanitizer and UndefinedBehaviorSanitizer, so a check that lets
// through a geometry whose kernel reads or writes out of bounds, or overflows, is a finding.
// Build and run: node scripts/fuzz/libfuzzer/build.mjs [--run SECONDS]
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../../../native/addon/geometry.h"
#include "../../../native/kernels/conv/conv2d.h"
#include "../../../native/kernels/conv/conv_plan.h"
#include "../../../native/runtime/dispatch.h"
#include "../../../native/kernels/conv/pool2d.h"

namespace {

using dn::addon::Field;

struct Bytes {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t next() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
};

// A value for one key: mostly small sizes (so the kernels run), sometimes a hostile one.
Field field(Bytes& b) {
  const std::uint8_t tag = b.next();
  Field f;
  f.kind = Field::number;
  switch (tag % 16) {
    case 0:
      f.kind = Field::undefined;
      f.shown = "undefined";
      return f;
    case 1:
      f.kind = Field::boolean;
      f.flag = b.next() & 1;
      f.shown = f.flag ? "true of type boolean" : "false of type boolean";
      return f;
    case 2:
      f.kind = Field::other;
      f.shown = "object";
      return f;
    case 3:
      f.value = std::numeric_limits<double>::quiet_NaN();
      break;
    case 4:
      f.value = (b.next() & 1) ? INFINITY : -INFINITY;
      break;
    case 5:
      f.value = -static_cast<double>(b.next());
      break;
    case 6:
      f.value = b.next() + 0.5;
      break;
    case 7:
      f.value = 2147483647.0 - b.next();
      break;
    case 8:
      f.value = std::ldexp(1.0, b.next() % 64);
      break;
    case 9:
      f.value = 9007199254740991.0;
      break;
    default:
      f.value = b.next() % 12;
      break;  // small sizes, 0 included
  }
  f.shown = std::to_string(f.value) + " of type number";
  return f;
}

dn::addon::FieldReader reader(Bytes& b) {
  return [&b](const char*) { return field(b); };
}

constexpr std::size_t kMaxFloats = std::size_t{1} << 22;  // run the kernels only on modest sizes

void run_conv(Bytes& b) {
  dn::addon::CheckedConv c;
  try {
    c = dn::addon::check_conv_geometry(reader(b));
  } catch (const dn::addon::ArgError&) {
    return;
  }
  const std::size_t work = c.out_size * (c.g.c / c.g.groups) * c.g.kh * c.g.kw;
  if (c.x_size > kMaxFloats || c.w_size > kMaxFloats || c.out_size > kMaxFloats || work > (std::size_t{1} << 24))
    return;
  // Exactly the sizes the binding checks against: ASan catches any access past them.
  std::vector<float> x(c.x_size, 1.0f), w(c.w_size, 0.5f), out(c.out_size), bias(c.g.k, 0.25f);
  std::vector<float> dx(c.x_size), dw(c.w_size), db(c.g.k);
  // The algorithms the planner picks for this geometry on the active ISA, as the binding runs them.
  const dn::KernelTable& kt = dn::active();
  const auto algo = [&](dn::ConvPass pass) { return dn::conv_plan(pass, c.g, kt); };
  dn::conv2d_forward(out.data(), x.data(), w.data(), bias.data(), c.g, kt, algo(dn::ConvPass::forward));
  dn::conv2d_backward_data(dx.data(), out.data(), w.data(), c.g, kt, algo(dn::ConvPass::backward_data));
  dn::conv2d_backward_weight(dw.data(), db.data(), out.data(), x.data(), c.g, kt, algo(dn::ConvPass::backward_weight));
}

void run_pool(Bytes& b, int kind) {
  dn_pool2d_geometry g;
  try {
    g = kind == 2 ? dn::addon::check_adaptive_geometry(reader(b))
                  : dn::addon::check_pool_geometry(reader(b), kind == 0, kind == 1);
  } catch (const dn::addon::ArgError&) {
    return;
  }
  const std::size_t in = g.planes * g.h * g.w, outn = g.planes * g.oh * g.ow;
  // The kernels' work: every output's window (windowed), or the windows' row and column spans
  // (adaptive: each output row covers about h / oh + 1 input rows, and so on).
  const double work =
      kind == 2 ? static_cast<double>(g.planes) * (g.h + g.oh) * (g.w + g.ow) : static_cast<double>(outn) * g.kh * g.kw;
  if (in > kMaxFloats || outn > kMaxFloats || work > 16777216.0) return;
  if (kind == 0 && g.h * g.w > 2147483647u) return;  // the binding rejects this too
  std::vector<float> x(in, 1.0f), out(outn), dx(in);
  if (kind == 0) {
    std::vector<std::int32_t> idx(outn);
    dn_maxpool2d_forward(out.data(), idx.data(), x.data(), &g, 0, g.planes);
    dn_maxpool2d_backward(dx.data(), out.data(), idx.data(), &g, 0, g.planes);
  } else if (kind == 1) {
    dn_avgpool2d_forward(out.data(), x.data(), &g, 0, g.planes);
    dn_avgpool2d_backward(dx.data(), out.data(), &g, 0, g.planes);
  } else {
    dn_adaptive_avgpool2d_forward(out.data(), x.data(), &g, 0, g.planes);
    dn_adaptive_avgpool2d_backward(dx.data(), out.data(), &g, 0, g.planes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes b{data, size};
  const int which = b.next() % 4;
  if (which == 0)
    run_conv(b);
  else
    run_pool(b, which - 1);
  return 0;
}
