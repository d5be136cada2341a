// Runtime: ISA selection and thread count.
#include <string>

#include "../runtime/dispatch.h"
#include "../runtime/thread_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {

Napi::Value Isa(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "isa()");
  return Napi::String::New(info.Env(), active().name);
}

Napi::Value AvailableIsas(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "availableIsas()");
  Napi::Array out = Napi::Array::New(info.Env());
  for (int i = 0; i < kIsaCount; ++i) {
    const auto isa = static_cast<dn::Isa>(i);
    if (isa_available(isa)) out.Set(out.Length(), Napi::String::New(info.Env(), isa_name(isa)));
  }
  return out;
}

Napi::Value SelectIsa(const Napi::CallbackInfo& info) {
  expect_args(info, 1, "selectIsa(cap)");
  const std::string name = string_arg(info, 0, "cap");
  dn::Isa cap;
  DN_THROW_RANGE_IF(!parse_isa(name.c_str(), &cap), info.Env(),
                    "Expected one of scalar, avx2, avx512, neon for cap but received \"", name, "\" of type string");
  return Napi::String::New(info.Env(), isa_name(select_isa(cap)));
}

Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "numThreads()");
  return Napi::Number::New(info.Env(), num_threads());
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  expect_args(info, 1, "setNumThreads(n)");
  const auto n = int_arg(info, 0, "n", 1, kMaxThreads);
  set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value HardwareThreads(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "hardwareThreads()");
  return Napi::Number::New(info.Env(), hardware_threads());
}

}  // namespace dn::addon
