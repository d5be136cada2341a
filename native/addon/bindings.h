// Every function the addon exports, grouped by the binding file that defines it.
// module.cc puts them on the exports object; nothing else includes this header.
#pragma once

#include <napi.h>

namespace dn::addon {

// runtime_binding.cc
Napi::Value Isa(const Napi::CallbackInfo& info);
Napi::Value AvailableIsas(const Napi::CallbackInfo& info);
Napi::Value SelectIsa(const Napi::CallbackInfo& info);
Napi::Value NumThreads(const Napi::CallbackInfo& info);
Napi::Value SetNumThreads(const Napi::CallbackInfo& info);
Napi::Value HardwareThreads(const Napi::CallbackInfo& info);

// bench_binding.cc (for the benchmarks only)
Napi::Value FmaPeak(const Napi::CallbackInfo& info);

// storage_binding.cc
Napi::Value AllocFloat32(const Napi::CallbackInfo& info);
Napi::Value StorageStats(const Napi::CallbackInfo& info);
Napi::Value StorageTrim(const Napi::CallbackInfo& info);

// eltwise_binding.cc
Napi::Value Add(const Napi::CallbackInfo& info);
Napi::Value Mul(const Napi::CallbackInfo& info);
Napi::Value Scale(const Napi::CallbackInfo& info);
Napi::Value Relu(const Napi::CallbackInfo& info);
Napi::Value ReluBackward(const Napi::CallbackInfo& info);
Napi::Value ColSum(const Napi::CallbackInfo& info);
Napi::Value Fill(const Napi::CallbackInfo& info);

// optim_binding.cc
Napi::Value SgdStep(const Napi::CallbackInfo& info);
Napi::Value AdamStep(const Napi::CallbackInfo& info);
Napi::Value RmspropStep(const Napi::CallbackInfo& info);
Napi::Value AdagradStep(const Napi::CallbackInfo& info);
Napi::Value SumSquares(const Napi::CallbackInfo& info);

// pool_binding.cc
Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info);
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info);
Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info);
Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info);
Napi::Value AdaptiveAvgPool2dForward(const Napi::CallbackInfo& info);
Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info);

// loss_binding.cc
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info);

// norm_binding.cc
Napi::Value LayerNormForward(const Napi::CallbackInfo& info);
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info);

// gemm_binding.cc
Napi::Value Sgemm(const Napi::CallbackInfo& info);
Napi::Value LinearForward(const Napi::CallbackInfo& info);
Napi::Value GemmLastPath(const Napi::CallbackInfo& info);

// conv_binding.cc
Napi::Value Conv2dForward(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackwardWeight(const Napi::CallbackInfo& info);
Napi::Value ConvPlan(const Napi::CallbackInfo& info);
Napi::Value ConvLastRun(const Napi::CallbackInfo& info);
Napi::Value SetConvAlgo(const Napi::CallbackInfo& info);
// dropout_binding.cc
Napi::Value DropoutForward(const Napi::CallbackInfo& info);
Napi::Value DropoutBackward(const Napi::CallbackInfo& info);
Napi::Value DropoutMask(const Napi::CallbackInfo& info);
Napi::Value DropoutBroadcastForward(const Napi::CallbackInfo& info);
Napi::Value DropoutBroadcastBackward(const Napi::CallbackInfo& info);
Napi::Value RandnFill(const Napi::CallbackInfo& info);
Napi::Value UniformFill(const Napi::CallbackInfo& info);
Napi::Value Philox4x32(const Napi::CallbackInfo& info);

// rnn_binding.cc
Napi::Value RnnForward(const Napi::CallbackInfo& info);
Napi::Value RnnBackward(const Napi::CallbackInfo& info);
// vdo_binding.cc
Napi::Value SparseVd(const Napi::CallbackInfo& info);
Napi::Value LrtNoise(const Napi::CallbackInfo& info);
Napi::Value ConcreteDropout(const Napi::CallbackInfo& info);
Napi::Value ConcreteDropoutBackward(const Napi::CallbackInfo& info);
Napi::Value KingmaVd(const Napi::CallbackInfo& info);

}  // namespace dn::addon
