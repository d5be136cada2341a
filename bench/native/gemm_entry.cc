// C entry points into one build of the GEMM driver, for gemm_peers.cc: the harness loads two
// builds (before and after a change) side by side, each as its own shared object.
#include "../../native/kernels/gemm/gemm_driver.h"
#include "../../native/runtime/dispatch.h"
#include "../../native/runtime/thread_pool.h"

extern "C" {

// Caps the ISA (by name) and runs on one thread; returns the selected ISA's name.
const char* dnb_select(const char* isa) {
  dn::Isa cap;
  if (!dn::parse_isa(isa, &cap)) return "";
  dn::set_num_threads(1);
  return dn::isa_name(dn::select_isa(cap));
}

void dnb_sgemm(int ta, int tb, long m, long n, long k, float alpha, const float* a, long lda, const float* b, long ldb,
               float beta, float* c, long ldc) {
  dn::sgemm(ta != 0, tb != 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // extern "C"
