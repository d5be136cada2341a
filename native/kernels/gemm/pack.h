// Panel packing for the GEMM driver (baseline ISA, shared by every micro-kernel).
//
// A strided source matrix S has element (r, p) at src[r * rs + p * cs] (elements, not bytes).
// pack_panels copies `rows` x kc of it into ceil(rows / R) panels of R rows each, in the layout
// micro-kernels read (gemm.h): panel q, depth p, row r' at dst[q*R*kc + p*R + r'] = S(q*R + r', p),
// zero past the last row. A uses r = row of op(A), p = k; B uses r = column of op(B), p = k.
// Only the rows x kc window of S is read. dst must hold ceil(rows / R) * R * kc floats.
#pragma once

#include <cstddef>

namespace dn::gemm {

void pack_panels(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t rs, std::size_t cs,
                 std::size_t R);

}  // namespace dn::gemm
