// Sparse variational dropout's per-weight pass, 16 floats per step (AVX-512F): vdo_impl.h over simd::Avx512.
#include "../simd/simd_avx512.h"
#include "../simd/simd_unroll.h"
#include "vdo.h"
#include "vdo_concrete_impl.h"
#include "vdo_impl.h"
#include "vdo_kingma_impl.h"
#include "vdo_lrt_impl.h"

extern "C" void dn_vdo_sparse__avx512(const dn_vdo_sparse_args* a) { vdo::sparse<simd::Unroll<simd::Avx512, 3>>(a); }
extern "C" void dn_vdo_lrt__avx512(const dn_vdo_lrt_args* a) { vdo::lrt<simd::Avx512>(a); }
extern "C" void dn_vdo_kingma__avx512(const dn_vdo_kingma_args* a) { vdo::kingma<simd::Avx512>(a); }
extern "C" void dn_vdo_concrete__avx512(const dn_vdo_concrete_args* a) { vdo::concrete<simd::Avx512>(a); }
extern "C" void dn_vdo_concrete_grad__avx512(const dn_vdo_concrete_grad_args* a) {
  vdo::concrete_grad<simd::Avx512>(a);
}
