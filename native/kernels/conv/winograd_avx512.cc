// Winograd F(2x2, 3x3) tile transforms for the avx512 table (see winograd_transforms.h).
#define DN_WINO_ISA avx512
#include "winograd_transforms.inc"
