// CPU feature detection, done once per process.
// Only native/runtime/dispatch.cc reads these flags; kernels never test the CPU themselves.
#pragma once

namespace dn {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512dq = false;
  bool avx512vl = false;
  bool neon = false;
};

// Detected on first call (thread-safe static initialisation), then cached.
const CpuFeatures& cpu_features();

}  // namespace dn
