/* Sparse variational dropout's per-weight pass, one set per ISA.
 *
 * For n weights θ (w) and their log σ² (ls), in one read of both:
 *   log α  = clip(ls − 2·log|θ|, −8, 8)             (θ = 0 gives 8; NaN stays NaN)
 *   σ²     = exp(ls)
 *   KL     = k1 − k1·sigmoid(k2 + k3·log α) + 0.5·log1p(exp(−log α))     (Molchanov et al. 2017)
 *   dKL/dls = −k1·k3·s·(1 − s) − 0.5·sigmoid(−log α)   inside the clip range (inclusive), else 0
 *   dKL/dθ  = −2·(dKL/dls)/θ                              (0 where dKL/dls is 0)
 * Each output pointer may be null (not computed); dls and dw are both given or both null.
 * When kl is non-null, *kl receives Σ KL (accumulated per vector lane in float over blocks of
 * 256 elements, then in double); grads need kl.
 *
 * exp and log are this directory's own polynomial approximations (vdo_math.h), the same
 * algorithm on every ISA: within 2 ulp of the correctly rounded float over the ranges used.
 * Unit stride, any 4-byte alignment; outputs must not overlap inputs.
 *
 * The local reparameterisation's noise pass (vdo_lrt_impl.h), for n pre-activations with mean m
 * and variance v, and the Philox draws d[0 .. 2·ceil(n/2)) of the elements' pairs:
 *   ε[2j], ε[2j + 1] = r·cos t, r·sin t,   r = sqrt(−2·log u1),  t = 2π·u2,
 *                      u1 = ((d[2j] >> 8) + 1)·2^−24,  u2 = (d[2j + 1] >> 8)·2^−24
 *   s = sqrt(v + 1e−8),   out = m + s·ε,   half = ε / (2s)   (half: the variance's gradient factor)
 * Box-Muller as randnFill's (dropout_driver.h), in float with this directory's log and its own
 * sin/cos instead of the C library's in double: ε agrees with randnFill's to a few float32 ulp.
 *
 * Variational dropout's per-weight pass (vdo_kingma_impl.h, Kingma et al. 2015), for n log α (la)
 * and, when a variance output is asked for, the weights θ (w), with a = min(la, 0) (NaN stays
 * NaN) and α = exp(a):
 *   var = α·θ²,  dvar_dw = 2·α·θ,  dvar_dla = α·θ² where la <= 0 else 0,
 *   −poly = −(0.5·a + c1·α + c2·α² + c3·α³)  summed into *kl (the KL without its constant),
 *   dkl = −(0.5 + c1·α + 2·c2·α² + 3·c3·α³) where la <= 0 else 0   (d(−poly)/dla).
 * Each output may be null; w may be null when var, dvar_dw and dvar_dla all are.
 *
 * Concrete dropout's relaxed mask (vdo_concrete_impl.h, Gal et al. 2017), for `masks` mask values
 * each applied to `inner` consecutive elements of x, with the uniforms u = (draw >> 8)·2^−24:
 *   z = sigmoid((logit + log(u + 1e−7) − log(1 − u + 1e−7))·inv_t),   keep = (1 − z)·inv_q,
 *   dkeep = keep·(1 − z·slope)·inv_q,   out = x·keep
 * (logit = log(p + ε) − log(1 − p + ε), inv_q = 1/(1 − p), slope = (1/(p + ε) + 1/(1 − p + ε))·(1 − p)/t:
 * dkeep is d keep / dp). Its backward: gx = g·keep (gx may be null) and *dot = Σ g·x·dkeep. */
#ifndef DN_KERNELS_VDO_H_
#define DN_KERNELS_VDO_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dn_vdo_sparse_args {
  const float* w;
  const float* ls;
  size_t n;
  float* sigma2;    /* exp(ls), or null */
  float* log_alpha; /* clipped log α, or null */
  float* dls;       /* dKL/dls, or null */
  float* dw;        /* dKL/dθ, or null */
  double* kl;       /* Σ KL, or null */
};

struct dn_vdo_lrt_args {
  const float* mean;
  const float* var;
  const uint32_t* draws; /* 2·ceil(n/2) Philox draws */
  size_t n;
  float* out;
  float* half;
};

struct dn_vdo_kingma_args {
  const float* w; /* θ, or null */
  const float* la;
  size_t n;
  float* var;      /* α·θ², or null */
  float* dvar_dw;  /* 2·α·θ, or null */
  float* dvar_dla; /* α·θ² where la <= 0, else 0; or null */
  float* dkl;      /* d(−poly)/dla, or null */
  double* kl;      /* Σ −poly, or null */
};

struct dn_vdo_concrete_args {
  const float* x;
  const uint32_t* draws; /* one Philox draw per mask value */
  size_t masks;
  size_t inner;
  float logit;
  float inv_t;
  float inv_q;
  float slope;
  float* out;   /* masks·inner */
  float* keep;  /* masks */
  float* dkeep; /* masks */
};

struct dn_vdo_concrete_grad_args {
  const float* g;
  const float* x;
  const float* keep;
  const float* dkeep;
  size_t masks;
  size_t inner;
  float* gx;   /* g·keep, or null */
  double* dot; /* Σ g·x·dkeep, or null */
};

#define DN_DECLARE_VDO(isa)                                          \
  void dn_vdo_sparse__##isa(const struct dn_vdo_sparse_args* a);     \
  void dn_vdo_lrt__##isa(const struct dn_vdo_lrt_args* a);           \
  void dn_vdo_kingma__##isa(const struct dn_vdo_kingma_args* a);     \
  void dn_vdo_concrete__##isa(const struct dn_vdo_concrete_args* a); \
  void dn_vdo_concrete_grad__##isa(const struct dn_vdo_concrete_grad_args* a);

DN_DECLARE_VDO(scalar)
DN_DECLARE_VDO(avx2)
DN_DECLARE_VDO(avx512)

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_VDO_H_ */
