// The direct convolution's drivers (conv_direct.cc): weight packing, the padded input copy and
// the tasks over images, groups, 16-channel blocks and row bands around the kernels of
// conv_direct.h. The planner (conv_plan.h) decides where they run; they assume it allowed them.
#pragma once

#include "../../runtime/dispatch.h"
#include "conv2d.h"

namespace dn::conv {

void direct_forward(const KernelTable& kt, float* out, const float* x, const float* weight, const float* bias,
                    const ConvGeometry& g);
// As the forward correlation of dy with the kernel flipped and its channels swapped (stride 1,
// padding (kernel - 1) * dilation - padding on each side, which must be >= 0).
void direct_backward_data(const KernelTable& kt, float* dx, const float* dy, const float* weight,
                          const ConvGeometry& g);
// Overwrites dweight; operands must be finite (the kernel skips padded taps, adding no 0 * dy).
void direct_backward_weight(const KernelTable& kt, float* dweight, const float* dy, const float* x,
                            const ConvGeometry& g);

}  // namespace dn::conv
