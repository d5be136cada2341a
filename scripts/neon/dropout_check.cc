// Holds the NEON dropout kernels to the scalar ones, bit for bit, on an x86 machine: compiled
// with an AArch64 cross compiler and run under qemu-aarch64 by scripts/neon/check.sh (the addon's
// test suite cannot load an arm64 build there). Exits non-zero on any mismatch.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "dropout.h"

int main() {
  int bad = 0, cases = 0;
  const size_t sizes[] = {0, 1, 3, 4, 5, 31, 32, 33, 63, 64, 65, 100, 255, 256, 257, 1000, 4099, 20011};
  const unsigned long long offsets[] = {0, 1, 2, 3, 5, 8, 1ull << 20, (1ull << 40) + 3, (1ull << 34) - 5};
  const double ps[] = {0, 0.1, 0.5, 0.9};
  for (size_t n : sizes) {
    for (unsigned long long off : offsets) {
      for (double p : ps) {
        const dn_dropout_params q{0x9abcdef0u, 0x12345u, off, static_cast<uint32_t>(std::round(p * 4294967296.0)),
                                  static_cast<float>(1.0 / (1.0 - p))};
        std::vector<float> x(n + 8), a(n + 8, NAN), b(n + 8, NAN);
        for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) - 7.5f;
        std::vector<uint32_t> ma(n / 32 + 3, 0xdeadbeefu), mb(n / 32 + 3, 0xdeadbeefu), mc(n / 32 + 3, 0xdeadbeefu);
        dn_f32_dropout_forward__scalar(a.data(), ma.data(), x.data(), n, &q);
        dn_f32_dropout_forward__neon(b.data(), mb.data(), x.data(), n, &q);
        dn_dropout_mask__neon(mc.data(), n, &q);
        ++cases;
        if (std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) != 0 || ma != mb || ma != mc) {
          if (bad++ < 5) std::printf("forward/mask mismatch n=%zu offset=%llu p=%g\n", n, off, p);
        }
        std::vector<uint32_t> da(n + 4, 7u), db(n + 4, 7u);
        dn_philox_draws__scalar(da.data(), n, q.k0, q.k1, off);
        dn_philox_draws__neon(db.data(), n, q.k0, q.k1, off);
        if (da != db && bad++ < 5) std::printf("draws mismatch n=%zu offset=%llu\n", n, off);
      }
    }
    for (size_t bit0 : {0, 1, 7, 31, 32, 45}) {
      std::vector<uint32_t> m(n / 32 + 3);
      for (size_t i = 0; i < m.size(); ++i) m[i] = 0x9e3779b9u * static_cast<uint32_t>(i + 1);
      std::vector<float> x(n + 8), c(n + 8, NAN), d(n + 8, NAN);
      for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) * 0.5f - 3.0f;
      dn_f32_dropout_apply__scalar(c.data(), x.data(), m.data(), bit0, n, 1.25f);
      dn_f32_dropout_apply__neon(d.data(), x.data(), m.data(), bit0, n, 1.25f);
      ++cases;
      if (std::memcmp(c.data(), d.data(), c.size() * sizeof(float)) != 0 && bad++ < 5) {
        std::printf("apply mismatch n=%zu bit0=%zu\n", n, bit0);
      }
    }
  }
  std::printf("NEON dropout kernels: %d cases, %d mismatches\n", cases, bad);
  return bad != 0;
}
