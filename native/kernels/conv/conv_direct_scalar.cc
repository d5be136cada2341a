// Direct convolution for the scalar table (see conv_direct.h).
#define DN_DIRECT_ISA scalar
#include "conv_direct.inc"
