// Winograd F(2x2, 3x3) tile transforms for the avx2 table (see winograd_transforms.h).
#define DN_WINO_ISA avx2
#include "winograd_transforms.inc"
