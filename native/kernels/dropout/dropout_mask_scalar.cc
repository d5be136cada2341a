// Scalar dropout kernels, the baseline every ISA matches bit for bit: dropout_mask_impl.h over
// simd::Scalar and a Philox engine that runs one block (four draws) at a time.
#include "../simd/simd_scalar.h"
#include "dropout.h"
#include "dropout_mask_impl.h"
#include "philox.h"

namespace {

struct ScalarPhilox {
  static constexpr int kWords = 1;
  static constexpr std::size_t kDraws = 4;
  std::uint32_t k0, k1, thr;

  ScalarPhilox(std::uint32_t key0, std::uint32_t key1, std::uint32_t threshold) : k0(key0), k1(key1), thr(threshold) {}

  template <int NW>
  void keep_words(std::uint64_t block, std::uint32_t* words) const {
    for (int w = 0; w < NW; ++w) {
      std::uint32_t bits = 0;
      for (unsigned j = 0; j < 8; ++j) {
        std::uint32_t d[4];
        dn_philox_block(block + 8 * static_cast<unsigned>(w) + j, k0, k1, d);
        // Integer compare: no float-conversion bias.
        for (unsigned l = 0; l < 4; ++l) bits |= static_cast<std::uint32_t>(d[l] >= thr) << (4 * j + l);
      }
      words[w] = bits;
    }
  }

  void draws(std::uint64_t block, std::uint32_t* out) const { dn_philox_block(block, k0, k1, out); }
};

}  // namespace

DN_DEFINE_DROPOUT(scalar, simd::Scalar, ScalarPhilox)
