// Direct convolution for the avx2 table (see conv_direct.h).
#define DN_DIRECT_ISA avx2
#include "conv_direct.inc"
