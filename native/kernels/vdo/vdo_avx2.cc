// Sparse variational dropout's per-weight pass, 8 floats per step (AVX2 + FMA): vdo_impl.h over simd::Avx2.
#include "../simd/simd_avx2.h"
#include "../simd/simd_unroll.h"
#include "vdo.h"
#include "vdo_concrete_impl.h"
#include "vdo_impl.h"
#include "vdo_kingma_impl.h"
#include "vdo_lrt_impl.h"

extern "C" void dn_vdo_sparse__avx2(const dn_vdo_sparse_args* a) { vdo::sparse<simd::Unroll<simd::Avx2, 2>>(a); }
extern "C" void dn_vdo_lrt__avx2(const dn_vdo_lrt_args* a) { vdo::lrt<simd::Avx2>(a); }
extern "C" void dn_vdo_kingma__avx2(const dn_vdo_kingma_args* a) { vdo::kingma<simd::Avx2>(a); }
extern "C" void dn_vdo_concrete__avx2(const dn_vdo_concrete_args* a) { vdo::concrete<simd::Avx2>(a); }
extern "C" void dn_vdo_concrete_grad__avx2(const dn_vdo_concrete_grad_args* a) { vdo::concrete_grad<simd::Avx2>(a); }
