// The one place that decides which algorithm runs a convolution pass: a named algorithm per
// path, chosen from the geometry and the ISA's kernel table (never from the thread count), and
// an override for tests and benchmarks (DROPNET_CONV_ALGO, applied by the JavaScript loader
// through set_conv_algo_override). docs/convolution.md has the measurements behind the rules.
//
// What runs can still differ from the plan in one way: the Winograd algorithms and the direct
// weight gradient need finite operands (docs/robustness.md, "Non-finite values in
// convolution"), so a call whose operands hold an infinity or NaN runs im2col instead; the
// entries of conv2d.h (which lists the algorithms, ConvAlgo) return the algorithm that ran.
#pragma once

#include <string>

#include "../../runtime/dispatch.h"
#include "conv2d.h"

namespace dn {

enum class ConvPass : int { forward, backward_data, backward_weight };
constexpr int kConvPassCount = 3;

const char* conv_algo_name(ConvAlgo a);
const char* conv_pass_name(ConvPass p);

// Why `a` cannot run `pass` of g with the kernels of kt, or nullptr when it can.
const char* conv_algo_cannot_run(ConvAlgo a, ConvPass pass, const ConvGeometry& g, const KernelTable& kt);

// The algorithm for `pass`: the override when one is set for that pass, else the measured rule.
// Throws std::invalid_argument naming the algorithm and the reason when an override cannot run g.
ConvAlgo conv_plan(ConvPass pass, const ConvGeometry& g, const KernelTable& kt);

// Sets the override from a spec: "" (none), one algorithm name for every pass, or a comma-
// separated list of pass=name (pass: forward, backward_data, backward_weight). Throws
// std::invalid_argument on an unknown name or pass, leaving the previous override. Returns the
// spec normalised (pass=name for each overridden pass).
std::string set_conv_algo_override(const std::string& spec);

}  // namespace dn
