// Direct convolution for the avx512 table (see conv_direct.h).
#define DN_DIRECT_ISA avx512
#include "conv_direct.inc"
