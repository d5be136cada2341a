// Scalar dropout kernels: the baseline every ISA must match bit for bit, written element by
// element straight from the contract in dropout.h (and fast enough to be the fallback).
#include "dropout.h"
#include "philox.h"

namespace {

// The stream read in order from a given draw: one Philox block per four draws.
struct Cursor {
  uint32_t k0, k1;
  uint64_t block;
  unsigned lane;
  uint32_t buf[4];

  Cursor(uint32_t key0, uint32_t key1, uint64_t offset)
      : k0(key0), k1(key1), block(offset >> 2), lane(static_cast<unsigned>(offset & 3u)) {
    dn_philox_block(block, k0, k1, buf);
  }

  uint32_t next() {
    if (lane == 4) {
      dn_philox_block(++block, k0, k1, buf);
      lane = 0;
    }
    return buf[lane++];
  }
};

}  // namespace

extern "C" {

void dn_f32_dropout_forward__scalar(float* out, uint32_t* mask, const float* x, size_t n,
                                    const dn_dropout_params* params) {
  if (n == 0) return;
  Cursor c(params->k0, params->k1, params->offset);
  const uint32_t t = params->threshold;
  const float scale = params->scale;
  for (size_t w = 0; w * 32 < n; ++w) {
    const size_t i0 = w * 32;
    const size_t len = n - i0 < 32 ? n - i0 : 32;
    uint32_t bits = 0;
    for (size_t j = 0; j < len; ++j) {
      const bool keep = c.next() >= t;  // integer compare: no float-conversion bias
      bits |= static_cast<uint32_t>(keep) << j;
      out[i0 + j] = keep ? x[i0 + j] * scale : 0.0f;
    }
    mask[w] = bits;  // bits at and above len stay zero
  }
}

void dn_dropout_mask__scalar(uint32_t* mask, size_t n, const dn_dropout_params* params) {
  if (n == 0) return;
  Cursor c(params->k0, params->k1, params->offset);
  const uint32_t t = params->threshold;
  for (size_t w = 0; w * 32 < n; ++w) {
    const size_t len = n - w * 32 < 32 ? n - w * 32 : 32;
    uint32_t bits = 0;
    for (size_t j = 0; j < len; ++j) bits |= static_cast<uint32_t>(c.next() >= t) << j;
    mask[w] = bits;
  }
}

void dn_f32_dropout_apply__scalar(float* out, const float* x, const uint32_t* mask, size_t bit0, size_t n,
                                  float scale) {
  for (size_t i = 0; i < n; ++i) {
    const size_t b = bit0 + i;
    const bool keep = (mask[b >> 5] >> (b & 31u)) & 1u;
    out[i] = keep ? x[i] * scale : 0.0f;
  }
}

void dn_philox_draws__scalar(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset) {
  dn_philox_draws_scalar(out, n, k0, k1, offset);
}

}  // extern "C"
