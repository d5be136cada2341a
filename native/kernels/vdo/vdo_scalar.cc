// Sparse variational dropout's per-weight pass, one float at a time, the same polynomials as the vector ISAs (not the C
// library's exp/log): vdo_impl.h over simd::Scalar.
#include "../simd/simd_scalar.h"
#include "vdo.h"
#include "vdo_concrete_impl.h"
#include "vdo_impl.h"
#include "vdo_kingma_impl.h"
#include "vdo_lrt_impl.h"

extern "C" void dn_vdo_sparse__scalar(const dn_vdo_sparse_args* a) { vdo::sparse<simd::Scalar>(a); }
extern "C" void dn_vdo_lrt__scalar(const dn_vdo_lrt_args* a) { vdo::lrt<simd::Scalar>(a); }
extern "C" void dn_vdo_kingma__scalar(const dn_vdo_kingma_args* a) { vdo::kingma<simd::Scalar>(a); }
extern "C" void dn_vdo_concrete__scalar(const dn_vdo_concrete_args* a) { vdo::concrete<simd::Scalar>(a); }
extern "C" void dn_vdo_concrete_grad__scalar(const dn_vdo_concrete_grad_args* a) {
  vdo::concrete_grad<simd::Scalar>(a);
}
