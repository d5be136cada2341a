// The addon's exports table, and nothing else. Context-aware (NODE_API_MODULE): it loads in
// worker_threads too; all state it keeps is process-wide and thread-safe (runtime/).
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <new>
#include <string>

#include "../runtime/memory.h"
#include "bindings.h"

namespace {

// Tells the JavaScript engine how much native memory the kernels keep between calls (scratch
// buffers), so that its heuristics see the process's footprint. Process-wide: the change since
// the last report goes to the environment that makes this call.
void report_kept_memory(napi_env env) {
  static std::atomic<std::int64_t> reported{0};
  const std::int64_t now = dn::kept_bytes();
  const std::int64_t delta = now - reported.exchange(now);
  if (delta != 0) {
    int64_t adjusted = 0;
    napi_adjust_external_memory(env, delta, &adjusted);
  }
}

// Every export runs through this: a C++ exception that is not already a JavaScript error never
// leaves the addon (it would terminate the process). Allocation failure, here or in a pool
// task, becomes a RangeError naming the function.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  const char* name = static_cast<const char*>(info.Data());
  try {
    Napi::Value result = Fn(info);
    report_kept_memory(info.Env());
    return result;
  } catch (const Napi::Error&) {
    report_kept_memory(info.Env());
    throw;
  } catch (const std::bad_alloc&) {
    report_kept_memory(info.Env());
    throw Napi::RangeError::New(info.Env(), std::string(name) + ": out of memory (native allocation failed)");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string(name) + ": " + e.what());
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace dn::addon;
  const std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)> table[] = {
      // runtime
      {"isa", guarded<Isa>},
      {"availableIsas", guarded<AvailableIsas>},
      {"selectIsa", guarded<SelectIsa>},
      {"numThreads", guarded<NumThreads>},
      {"setNumThreads", guarded<SetNumThreads>},
      {"hardwareThreads", guarded<HardwareThreads>},
      // tensor storage
      {"allocFloat32", guarded<AllocFloat32>},
      {"storageStats", guarded<StorageStats>},
      {"storageTrim", guarded<StorageTrim>},
      // element-wise
      {"add", guarded<Add>},
      {"mul", guarded<Mul>},
      {"scale", guarded<Scale>},
      {"relu", guarded<Relu>},
      {"reluBackward", guarded<ReluBackward>},
      {"colSum", guarded<ColSum>},
      {"fill", guarded<Fill>},
      // optimizers
      {"sgdStep", guarded<SgdStep>},
      {"adamStep", guarded<AdamStep>},
      {"rmspropStep", guarded<RmspropStep>},
      {"adagradStep", guarded<AdagradStep>},
      {"sumSquares", guarded<SumSquares>},
      // pooling
      {"maxPool2dForward", guarded<MaxPool2dForward>},
      {"maxPool2dBackward", guarded<MaxPool2dBackward>},
      {"avgPool2dForward", guarded<AvgPool2dForward>},
      {"avgPool2dBackward", guarded<AvgPool2dBackward>},
      {"adaptiveAvgPool2dForward", guarded<AdaptiveAvgPool2dForward>},
      {"adaptiveAvgPool2dBackward", guarded<AdaptiveAvgPool2dBackward>},
      // losses
      {"softmaxCrossEntropy", guarded<SoftmaxCrossEntropy>},
      // normalization
      {"layerNormForward", guarded<LayerNormForward>},
      {"layerNormBackward", guarded<LayerNormBackward>},
      // GEMM
      {"sgemm", guarded<Sgemm>},
      {"linearForward", guarded<LinearForward>},
      {"gemmLastPath", guarded<GemmLastPath>},
      // convolution
      {"conv2dForward", guarded<Conv2dForward>},
      {"conv2dBackwardData", guarded<Conv2dBackwardData>},
      {"conv2dBackwardWeight", guarded<Conv2dBackwardWeight>},
      {"convPlan", guarded<ConvPlan>},
      {"convLastRun", guarded<ConvLastRun>},
      {"setConvAlgo", guarded<SetConvAlgo>},
      // dropout and Philox
      {"dropoutForward", guarded<DropoutForward>},
      {"dropoutBackward", guarded<DropoutBackward>},
      {"dropoutMask", guarded<DropoutMask>},
      {"dropoutBroadcastForward", guarded<DropoutBroadcastForward>},
      {"dropoutBroadcastBackward", guarded<DropoutBroadcastBackward>},
      {"randnFill", guarded<RandnFill>},
      {"uniformFill", guarded<UniformFill>},
      {"philox4x32", guarded<Philox4x32>},
      // recurrent layers
      {"rnnForward", guarded<RnnForward>},
      {"rnnBackward", guarded<RnnBackward>},
      // sparse variational and variational dropout
      {"sparseVd", guarded<SparseVd>},
      {"lrtNoise", guarded<LrtNoise>},
      {"concreteDropout", guarded<ConcreteDropout>},
      {"concreteDropoutBackward", guarded<ConcreteDropoutBackward>},
      {"kingmaVd", guarded<KingmaVd>},
      // for the benchmarks only
      {"fmaPeak", guarded<FmaPeak>},
  };
  for (const auto& [name, fn] : table)
    exports.Set(name, Napi::Function::New(env, fn, name, const_cast<char*>(name)));  // data: the name
  return exports;
}

}  // namespace

NODE_API_MODULE(dropnet, Init)
