// Winograd F(2x2, 3x3) tile transforms for the scalar table (see winograd_transforms.h).
#define DN_WINO_ISA scalar
#include "winograd_transforms.inc"
