// Argument checks for the binding layer: the only guard between JavaScript values and kernel
// memory. Every value that crosses into C++ goes through one of these helpers, which throw a
// TypeError (wrong type) or RangeError (bad size or value) whose text follows the library's one
// message format: "Expected <what> for <name> but received <value>".
//
// Views keep raw pointers into JavaScript memory: valid only during the synchronous call that
// made them, and only while no JavaScript runs. Any JavaScript (a getter, a Proxy trap, valueOf)
// may detach, shrink or transfer a buffer. So every binding has two phases:
//   1. plain arguments: numbers, booleans and option objects are read and checked into C++ locals
//      (prop() is the one way to read an object's property: it may run a getter);
//   2. views: the typed arrays are taken (f32_arg, ...), their lengths checked, the kernel run.
// Nothing in phase 2 runs JavaScript. expect_args() opens phase 1 (every binding calls it first),
// taking a view enters phase 2, and prop() in phase 2 throws an Error naming the binding bug
// instead of running a getter while raw pointers are held.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "geometry.h"

namespace dn::addon {

template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}

#define DN_THROW_TYPE_IF(cond, env, ...)                                           \
  do {                                                                             \
    if (cond) throw Napi::TypeError::New((env), ::dn::addon::concat(__VA_ARGS__)); \
  } while (0)

#define DN_THROW_RANGE_IF(cond, env, ...)                                           \
  do {                                                                              \
    if (cond) throw Napi::RangeError::New((env), ::dn::addon::concat(__VA_ARGS__)); \
  } while (0)

// JavaScript's own rendering of a value for messages: 1.5 of type number, "abc" of type string,
// Float32Array(3), undefined. Matches describe() in lib/errors.ts.
std::string describe(const Napi::Value& v);

// The largest integer JavaScript numbers hold exactly (2^53 - 1).
constexpr double kMaxSafeInteger = 9007199254740991.0;

// A typed-array view of element type T.
template <class T>
struct View {
  T* data = nullptr;
  std::size_t length = 0;
  const char* name = "";
  const char* kind = "";  // "Float32Array", "Uint32Array", ...
  const unsigned char* begin() const { return reinterpret_cast<const unsigned char*>(data); }
  const unsigned char* end() const { return begin() + length * sizeof(T); }
};

using F32View = View<float>;
using U32View = View<std::uint32_t>;
using I32View = View<std::int32_t>;

// Throws unless info has exactly `count` arguments ("add(out, a, b, n)" is the signature text).
void expect_args(const Napi::CallbackInfo& info, std::size_t count, const char* signature);
// Throws unless info has between `min` and `max` arguments (a trailing optional argument).
void expect_args_between(const Napi::CallbackInfo& info, std::size_t min, std::size_t max, const char* signature);

// An object argument for options/geometry (not an array, typed array or function); TypeError
// naming `name` otherwise. Reading its properties is phase 1 only (prop()).
Napi::Object options_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
// o[key], which may run a getter or Proxy trap: phase 1 only (see above).
Napi::Value prop(const Napi::Object& o, const char* key);
// A property value as geometry.h's checks take it.
Field field_of(const Napi::Value& v);

// Runs check(reader) over the properties of o (read with prop(), so phase 1 only), turning an
// ArgError into the TypeError or RangeError it names.
template <class Check>
auto check_fields(Napi::Env env, const Napi::Object& o, Check&& check) {
  try {
    return check(FieldReader([&o](const char* key) { return field_of(prop(o, key)); }));
  } catch (const ArgError& e) {
    if (e.type_error) throw Napi::TypeError::New(env, e.what());
    throw Napi::RangeError::New(env, e.what());
  }
}

F32View f32_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
// A Float32Array, or null (an empty view with data == nullptr).
U32View u32_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
I32View i32_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);

// A non-negative integer no larger than `max` (default: the largest safe integer).
std::size_t size_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name, double max = kMaxSafeInteger);
// An integer in [lo, hi].
std::int64_t int_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name, double lo, double hi);
// Any number, NaN and infinities included (values such as a fill constant).
double number_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
// A finite number in [lo, hi] (a probability, say).
double finite_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name, double lo, double hi);
// A finite number >= 0 (a learning rate, say).
double nonneg_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
// A 64-bit unsigned integer given as a safe-integer number or as a bigint below 2^64 (a seed).
std::uint64_t u64_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
bool bool_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
// A Float32Array, or null (the view then has data == nullptr and `present` false).
struct OptF32View : F32View {
  bool present = false;
};
OptF32View f32_or_null_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);
std::string string_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name);

// RangeError unless the view has at least `needed` elements.
template <class T>
void expect_length(Napi::Env env, const View<T>& v, std::size_t needed) {
  DN_THROW_RANGE_IF(v.length < needed, env, "Expected ", v.kind, " of at least ", needed, " elements for ", v.name,
                    " but received ", v.kind, "(", v.length, ")");
}

// a * b, or a RangeError naming `what` if the product does not fit in a safe integer.
std::size_t checked_mul(Napi::Env env, std::size_t a, std::size_t b, const char* what);

// RangeError if the two views share memory without being exactly the same range.
// (In-place operation on the very same array is allowed; a shifted overlap is not.)
template <class T, class U>
void expect_same_or_disjoint(Napi::Env env, const View<T>& out, const View<U>& in) {
  const bool disjoint = out.end() <= in.begin() || in.end() <= out.begin();
  const bool same = out.begin() == in.begin() && out.end() == in.end();
  DN_THROW_RANGE_IF(!disjoint && !same, env, "Expected ", out.name, " and ", in.name,
                    " to be the same array or not to overlap but they partially overlap");
}

// RangeError if the two views share any memory.
template <class T, class U>
void expect_disjoint(Napi::Env env, const View<T>& a, const View<U>& b) {
  const bool disjoint = a.end() <= b.begin() || b.end() <= a.begin();
  DN_THROW_RANGE_IF(!disjoint, env, "Expected ", a.name, " and ", b.name, " not to overlap but they share memory");
}

}  // namespace dn::addon
