// Winograd tile transforms (stride 1 and 2) for the avx512 table (see winograd_transforms.h and
// winograd_stride2_transforms.h).
#include "winograd_kernels.h"
#include "winograd_stride2_backward_kernels.h"
#include "winograd_stride2_f4_kernels.h"

DN_DEFINE_WINO_STRIDE2_F4(avx512, wino_f4::Avx512)
DN_DEFINE_WINO(avx512, wino_f2::Avx512)
DN_DEFINE_WINO_STRIDE2(avx512, wino_s2::Avx512)
