// One thread, one process: dropnet's sgemm (one or two builds: before and after a change) against
// OpenBLAS's cblas_sgemm and oneDNN's dnnl_sgemm, each case timed in turn (interleaved), by the
// thread's CPU time (CLOCK_THREAD_CPUTIME_ID: time the other jobs of a shared machine take is
// not counted), median of the samples. Row-major, no transposes, alpha 1, beta 0.
// Built and run by gemm_peers.sh, which also caps the peers' ISA.
#include <dlfcn.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Sgemm = void (*)(int, int, long, long, long, float, const float*, long, const float*, long, float, float*, long);
using Select = const char* (*)(const char*);
using Cblas = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using Dnnl = int (*)(char, char, long long, long long, long long, float, const float*, long long, const float*,
                     long long, float, float*, long long);

double thread_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

void* must_open(const char* path) {
  void* h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    std::fprintf(stderr, "%s\n", dlerror());
    std::exit(1);
  }
  return h;
}

template <class T>
T must_sym(void* h, const char* name) {
  void* s = dlsym(h, name);
  if (s == nullptr) {
    std::fprintf(stderr, "missing %s\n", name);
    std::exit(1);
  }
  return reinterpret_cast<T>(s);
}

struct Impl {
  std::string name;
  Sgemm dn = nullptr;
  Cblas blas = nullptr;
  Dnnl dnnl = nullptr;
  void run(long m, long n, long k, const float* a, const float* b, float* c) const {
    if (dn) dn(0, 0, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    if (blas) blas(101, 111, 111, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    if (dnnl) dnnl('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
  }
};

}  // namespace

// argv: isa samples shape... (MxNxK) -- dropnet builds come from DNB_LIBS (colon-separated
// name=path pairs).
int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: gemm_peers isa samples MxNxK...\n");
    return 1;
  }
  const char* isa = argv[1];
  const int samples = std::atoi(argv[2]);
  std::vector<Impl> impls;
  std::string libs = std::getenv("DNB_LIBS") ? std::getenv("DNB_LIBS") : "";
  for (size_t pos = 0; pos < libs.size();) {
    size_t end = libs.find(':', pos);
    if (end == std::string::npos) end = libs.size();
    const std::string item = libs.substr(pos, end - pos);
    const size_t eq = item.find('=');
    void* h = must_open(item.substr(eq + 1).c_str());
    Impl d;
    d.name = item.substr(0, eq);
    d.dn = must_sym<Sgemm>(h, "dnb_sgemm");
    std::printf("%s: ISA %s\n", d.name.c_str(), must_sym<Select>(h, "dnb_select")(isa));
    impls.push_back(d);
    pos = end + 1;
  }
  void* ob = must_open("libopenblas.so.0");
  must_sym<void (*)(int)>(ob, "openblas_set_num_threads")(1);
  std::printf("OpenBLAS core: %s\n", must_sym<const char* (*)()>(ob, "openblas_get_corename")());
  Impl blas;
  blas.name = "openblas";
  blas.blas = must_sym<Cblas>(ob, "cblas_sgemm");
  impls.push_back(blas);
  Impl dnnl;
  dnnl.name = "onednn";
  dnnl.dnnl = must_sym<Dnnl>(must_open("libdnnl.so.2"), "dnnl_sgemm");
  impls.push_back(dnnl);

  for (int s = 3; s < argc; ++s) {
    long m, n, k;
    if (std::sscanf(argv[s], "%ldx%ldx%ld", &m, &n, &k) != 3) return 1;
    std::vector<float> a(m * k), b(k * n), c(m * n);
    for (long i = 0; i < m * k; ++i) a[i] = 0.5f * std::sin(0.37f * i);
    for (long i = 0; i < k * n; ++i) b[i] = 0.5f * std::cos(0.11f * i);
    const double flops = 2.0 * m * n * k;
    // Calls per sample: about 20 ms of work at 50 GFLOP/s.
    const long calls = std::max(1L, static_cast<long>(1e9 / flops));
    std::vector<std::vector<double>> t(impls.size());
    for (const Impl& im : impls) im.run(m, n, k, a.data(), b.data(), c.data());
    for (int r = 0; r < samples; ++r) {
      for (size_t i = 0; i < impls.size(); ++i) {
        const size_t j = (i + r) % impls.size();  // rotate who goes first
        const double t0 = thread_seconds();
        for (long q = 0; q < calls; ++q) impls[j].run(m, n, k, a.data(), b.data(), c.data());
        t[j].push_back((thread_seconds() - t0) / calls);
      }
    }
    std::printf("%ldx%ldx%ld (%ld calls/sample, median of %d, thread CPU time)\n", m, n, k, calls, samples);
    std::vector<double> med(impls.size());
    for (size_t i = 0; i < impls.size(); ++i) {
      std::sort(t[i].begin(), t[i].end());
      med[i] = t[i][t[i].size() / 2];
    }
    for (size_t i = 0; i < impls.size(); ++i) {
      std::printf("  %-10s %9.2f us %7.1f GFLOP/s", impls[i].name.c_str(), med[i] * 1e6, flops / med[i] * 1e-9);
      if (impls[i].dn) {
        for (size_t j = 0; j < impls.size(); ++j)
          if (j != i) std::printf("  %.3fx %s", med[j] / med[i], impls[j].name.c_str());
      }
      std::printf("\n");
    }
  }
  return 0;
}
