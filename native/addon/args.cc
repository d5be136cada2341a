#include "args.h"

#include <cmath>

namespace dn::addon {
namespace {

const char* typed_array_kind(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array:
      return "Int8Array";
    case napi_uint8_array:
      return "Uint8Array";
    case napi_uint8_clamped_array:
      return "Uint8ClampedArray";
    case napi_int16_array:
      return "Int16Array";
    case napi_uint16_array:
      return "Uint16Array";
    case napi_int32_array:
      return "Int32Array";
    case napi_uint32_array:
      return "Uint32Array";
    case napi_float32_array:
      return "Float32Array";
    case napi_float64_array:
      return "Float64Array";
    case napi_bigint64_array:
      return "BigInt64Array";
    case napi_biguint64_array:
      return "BigUint64Array";
    default:
      break;  // newer element types (Float16Array, ...)
  }
  return "TypedArray";
}

// Phase 2 (see args.h): set once a binding has taken a typed-array view, cleared by
// expect_args() at the start of every binding. A getter may call a binding re-entrantly: prop()
// restores the flag after the read.
thread_local bool t_views_taken = false;

Napi::Value arg(const Napi::CallbackInfo& info, std::size_t index) {
  return index < info.Length() ? info[index] : info.Env().Undefined();
}

template <class T>
View<T> typed_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name, napi_typedarray_type want) {
  Napi::Env env = info.Env();
  const Napi::Value v = arg(info, index);
  const char* kind = typed_array_kind(want);
  // One napi_get_typedarray_info for type, length and data: it is the costly part of a check.
  napi_typedarray_type type = napi_int8_array;
  std::size_t length = 0;
  void* data = nullptr;
  napi_value buffer = nullptr;
  std::size_t byte_offset = 0;
  // It fails (napi_invalid_arg, nothing thrown) for anything but a typed array: no separate test.
  const bool typed = napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &byte_offset) == napi_ok;
  DN_THROW_TYPE_IF(!typed || type != want, env, "Expected ", kind, " for ", name, " but received ", describe(v));
  // A typed array over a detached buffer has length 0 (v8::TypedArray::Length()), so only an
  // empty view can be a detached one, and only those need the extra engine call.
  bool detached = false;
  if (length == 0) NAPI_THROW_IF_FAILED(env, napi_is_detached_arraybuffer(env, buffer, &detached), View<T>());
  DN_THROW_TYPE_IF(detached, env, "Expected ", kind, " for ", name, " but received ", kind,
                   " with a detached ArrayBuffer");
  t_views_taken = true;
  View<T> view;
  view.length = length;
  // data already points at element 0 of the view (byteOffset applied). A zero-length view may
  // have no backing store: never hand out a pointer with a zero length that kernels could use.
  view.data = length > 0 ? static_cast<T*>(data) : nullptr;
  view.name = name;
  view.kind = kind;
  return view;
}

// A number argument's value in one engine call; false (nothing thrown) for anything else.
bool number_value(const Napi::Value& v, double* d) { return napi_get_value_double(v.Env(), v, d) == napi_ok; }

[[noreturn]] void throw_number(const Napi::CallbackInfo& info, std::size_t index, const char* name,
                               const std::string& expected, bool type_error) {
  const std::string msg = concat("Expected ", expected, " for ", name, " but received ", describe(arg(info, index)));
  if (type_error) throw Napi::TypeError::New(info.Env(), msg);
  throw Napi::RangeError::New(info.Env(), msg);
}

std::string fmt_bound(double x) {
  // Integers print without a fraction, as JavaScript prints them.
  if (std::floor(x) == x && std::fabs(x) < 1e21) return concat(static_cast<long long>(x));
  return concat(x);
}

}  // namespace

std::string describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_number:
    case napi_boolean:
    case napi_bigint:
      return concat(v.ToString().Utf8Value(), " of type ",
                    v.IsNumber()    ? "number"
                    : v.IsBoolean() ? "boolean"
                                    : "bigint");
    case napi_string: {
      std::string s = v.As<Napi::String>().Utf8Value();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return concat("\"", s, "\" of type string");
    }
    case napi_symbol:
      return "symbol";
    case napi_function:
      return "function";
    default:
      break;
  }
  if (v.IsTypedArray()) {
    const auto ta = v.As<Napi::TypedArray>();
    return concat(typed_array_kind(ta.TypedArrayType()), "(", ta.ElementLength(), ")");
  }
  if (v.IsArray()) return concat("Array(", v.As<Napi::Array>().Length(), ")");
  if (v.IsArrayBuffer()) return "ArrayBuffer";
  if (v.IsDataView()) return "DataView";
  return "object";
}

void expect_args(const Napi::CallbackInfo& info, std::size_t count, const char* signature) {
  t_views_taken = false;
  DN_THROW_TYPE_IF(info.Length() != count, info.Env(), signature, ": expected ", count, " arguments but received ",
                   info.Length());
}

void expect_args_between(const Napi::CallbackInfo& info, std::size_t min, std::size_t max, const char* signature) {
  t_views_taken = false;
  const std::size_t n = info.Length();
  DN_THROW_TYPE_IF(n < min || n > max, info.Env(), signature, ": expected ", min, max == min + 1 ? " or " : " to ", max,
                   " arguments but received ", n);
}

Napi::Object options_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  const Napi::Value v = arg(info, index);
  DN_THROW_TYPE_IF(!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction(), info.Env(), "Expected ", name,
                   " object for ", name, " but received ", describe(v));
  return v.As<Napi::Object>();
}

Napi::Value prop(const Napi::Object& o, const char* key) {
  if (t_views_taken) {
    throw Napi::Error::New(o.Env(), concat("Internal error: the binding read property ", key,
                                           " after taking a typed-array view (getters could free its memory)"));
  }
  Napi::Value v = o.Get(key);  // may run JavaScript, re-entrant calls included
  t_views_taken = false;
  return v;
}

Field field_of(const Napi::Value& v) {
  Field f;
  if (v.IsUndefined())
    f.kind = Field::undefined;
  else if (v.IsNumber())
    f.kind = Field::number, f.value = v.As<Napi::Number>().DoubleValue();
  else if (v.IsBoolean())
    f.kind = Field::boolean, f.flag = v.As<Napi::Boolean>().Value();
  else
    f.kind = Field::other;
  f.shown = describe(v);
  return f;
}

F32View f32_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  return typed_arg<float>(info, index, name, napi_float32_array);
}

U32View u32_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  return typed_arg<std::uint32_t>(info, index, name, napi_uint32_array);
}

I32View i32_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  return typed_arg<std::int32_t>(info, index, name, napi_int32_array);
}

std::size_t size_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name, double max) {
  const Napi::Value v = arg(info, index);
  // The message is built only on failure: these checks sit on every kernel call's path.
  const auto expected = [max] {
    return max >= kMaxSafeInteger ? std::string("non-negative safe integer")
                                  : concat("integer in [0, ", fmt_bound(max), "]");
  };
  double d = 0;
  if (!number_value(v, &d)) throw_number(info, index, name, expected(), true);
  if (!(d >= 0) || d > max || std::floor(d) != d) throw_number(info, index, name, expected(), false);
  return static_cast<std::size_t>(d);
}

std::int64_t int_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name, double lo, double hi) {
  const Napi::Value v = arg(info, index);
  const auto expected = [lo, hi] { return concat("integer in [", fmt_bound(lo), ", ", fmt_bound(hi), "]"); };
  double d = 0;
  if (!number_value(v, &d)) throw_number(info, index, name, expected(), true);
  if (!(d >= lo && d <= hi) || std::floor(d) != d) throw_number(info, index, name, expected(), false);
  return static_cast<std::int64_t>(d);
}

double number_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  const Napi::Value v = arg(info, index);
  double d = 0;
  if (!number_value(v, &d)) throw_number(info, index, name, "number", true);
  return d;
}

double finite_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name, double lo, double hi) {
  const Napi::Value v = arg(info, index);
  const auto expected = [lo, hi] { return concat("number in [", fmt_bound(lo), ", ", fmt_bound(hi), "]"); };
  double d = 0;
  if (!number_value(v, &d)) throw_number(info, index, name, expected(), true);
  if (!(d >= lo && d <= hi)) throw_number(info, index, name, expected(), false);
  return d;
}

double nonneg_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  const Napi::Value v = arg(info, index);
  double d = 0;
  if (!number_value(v, &d)) throw_number(info, index, name, "finite non-negative number", true);
  if (!(d >= 0) || !std::isfinite(d)) throw_number(info, index, name, "finite non-negative number", false);
  return d;
}

OptF32View f32_or_null_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  OptF32View view;
  view.name = name;
  view.kind = "Float32Array";
  const Napi::Value v = arg(info, index);
  if (v.IsNull()) return view;
  DN_THROW_TYPE_IF(!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array, info.Env(),
                   "Expected Float32Array or null for ", name, " but received ", describe(v));
  static_cast<F32View&>(view) = f32_arg(info, index, name);
  view.present = true;
  return view;
}

std::uint64_t u64_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  const Napi::Value v = arg(info, index);
  const char* expected = "integer in [0, 2^53) or bigint in [0, 2^64)";
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d > kMaxSafeInteger || std::floor(d) != d) throw_number(info, index, name, expected, false);
    return static_cast<std::uint64_t>(d);
  }
  if (v.IsBigInt()) {
    bool lossless = false;  // false for negative values and values of 2^64 or more
    const std::uint64_t u = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw_number(info, index, name, expected, false);
    return u;
  }
  throw_number(info, index, name, expected, true);
}

bool bool_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  const Napi::Value v = arg(info, index);
  bool b = false;
  if (napi_get_value_bool(info.Env(), v, &b) != napi_ok) throw_number(info, index, name, "boolean", true);
  return b;
}

std::string string_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  const Napi::Value v = arg(info, index);
  if (!v.IsString()) throw_number(info, index, name, "string", true);
  return v.As<Napi::String>().Utf8Value();
}

std::size_t checked_mul(Napi::Env env, std::size_t a, std::size_t b, const char* what) {
  const double p = static_cast<double>(a) * static_cast<double>(b);
  DN_THROW_RANGE_IF(p > kMaxSafeInteger, env, "Expected ", what, " to be at most 9007199254740991 but ", a, " * ", b,
                    " overflows");
  return a * b;
}

}  // namespace dn::addon
