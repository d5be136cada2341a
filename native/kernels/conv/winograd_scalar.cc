// Winograd tile transforms (stride 1 and 2) for the scalar table (see winograd_transforms.h and
// winograd_stride2_transforms.h).
#include "winograd_kernels.h"
#include "winograd_stride2_backward_kernels.h"
#include "winograd_stride2_f4_kernels.h"

DN_DEFINE_WINO_STRIDE2_F4(scalar, wino_f4::Scalar)
DN_DEFINE_WINO(scalar, wino_f2::Scalar)
DN_DEFINE_WINO_STRIDE2(scalar, wino_s2::Scalar)
