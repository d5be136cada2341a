// The geometry checks of the convolution and pooling bindings, in plain C++ (no N-API), so the
// same code runs in the bindings and in the libFuzzer harness (scripts/fuzz/libfuzzer/). A
// binding reads each key into a Field (phase 1 of args.h) and hands the reader to one of these;
// a bad value throws ArgError, which the binding turns into a TypeError or RangeError.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>

#include "../kernels/conv/conv2d.h"
#include "../kernels/conv/pool2d.h"

namespace dn::addon {

// One property as read from the geometry object.
struct Field {
  enum Kind { undefined, number, boolean, other } kind = undefined;
  double value = 0;
  bool flag = false;
  std::string shown;  // describe() of the value, for messages
};

struct ArgError : std::runtime_error {
  bool type_error;
  ArgError(bool type, const std::string& message) : std::runtime_error(message), type_error(type) {}
};

using FieldReader = std::function<Field(const char* key)>;

struct CheckedConv {
  ConvGeometry g;
  std::size_t x_size, w_size, out_size;
};

// { n, c, h, w, k, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups } with sizes, the output size
// and every product checked (below 2^53).
CheckedConv check_conv_geometry(const FieldReader& read);
// { n, c, h, w, kh, kw, sh, sw, ph, pw[, dh, dw], ceilMode } (+ countIncludePad, divisorOverride
// when avg): the windowed pools.
dn_pool2d_geometry check_pool_geometry(const FieldReader& read, bool dilated, bool avg);
// { n, c, h, w, oh, ow }: the adaptive pools.
dn_pool2d_geometry check_adaptive_geometry(const FieldReader& read);

// The keys each reader asks for, in order (so a binding can read them all before checking).
extern const char* const kConvKeys[16];

}  // namespace dn::addon
