// The addon's exports table, and nothing else. Context-aware (NODE_API_MODULE): it loads in
// worker_threads too; all state it keeps is process-wide and thread-safe (runtime/).
#include <napi.h>

#include "bindings.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace dn::addon;
  const std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)> table[] = {
      // runtime
      {"isa", Isa},
      {"availableIsas", AvailableIsas},
      {"selectIsa", SelectIsa},
      {"numThreads", NumThreads},
      {"setNumThreads", SetNumThreads},
      {"hardwareThreads", HardwareThreads},
      {"fmaPeak", FmaPeak},
      // element-wise
      {"add", Add},
      {"mul", Mul},
      {"scale", Scale},
      {"relu", Relu},
      {"reluBackward", ReluBackward},
      {"fill", Fill},
      // optimizers
      {"sgdStep", SgdStep},
      {"adamStep", AdamStep},
      {"rmspropStep", RmspropStep},
      {"adagradStep", AdagradStep},
      {"sumSquares", SumSquares},
      // pooling
      {"maxPool2dForward", MaxPool2dForward},
      {"maxPool2dBackward", MaxPool2dBackward},
      {"avgPool2dForward", AvgPool2dForward},
      {"avgPool2dBackward", AvgPool2dBackward},
      {"adaptiveAvgPool2dForward", AdaptiveAvgPool2dForward},
      {"adaptiveAvgPool2dBackward", AdaptiveAvgPool2dBackward},
      // losses
      {"softmaxCrossEntropy", SoftmaxCrossEntropy},
      // GEMM
      {"sgemm", Sgemm},
      {"linearForward", LinearForward},
      // convolution
      {"conv2dForward", Conv2dForward},
      {"conv2dBackwardData", Conv2dBackwardData},
      {"conv2dBackwardWeight", Conv2dBackwardWeight},
      // dropout and Philox
      {"dropoutForward", DropoutForward},
      {"dropoutBackward", DropoutBackward},
      {"dropoutMask", DropoutMask},
      {"dropoutBroadcastForward", DropoutBroadcastForward},
      {"dropoutBroadcastBackward", DropoutBroadcastBackward},
      {"randnFill", RandnFill},
      {"uniformFill", UniformFill},
      {"philox4x32", Philox4x32},
      // sparse variational dropout
      {"sparseVd", SparseVd},
  };
  for (const auto& [name, fn] : table) exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

}  // namespace

NODE_API_MODULE(dropnet, Init)
