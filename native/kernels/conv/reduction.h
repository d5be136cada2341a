// How many ranges a convolution's weight-gradient reduction is cut into. Each range sums into
// its own buffer of partial sums and the buffers are added in a fixed order, so the count is
// fixed by the problem, never by the thread count, and results do not depend on the threads.
#pragma once

#include <algorithm>
#include <cstddef>

namespace dn::conv {

// Up to 8 ranges (so up to 8 threads share the reduction) and no more than `items`, as long as
// the ranges' partial sums (`floats` each) stay within 16 MiB together: large layers have
// large gradients, which their GEMMs split well on their own. At least 1.
inline std::size_t reduction_parts(std::size_t items, std::size_t floats) {
  const std::size_t cap = std::max<std::size_t>(1, (std::size_t{4} << 20) / std::max<std::size_t>(floats, 1));
  return std::max<std::size_t>(1, std::min({items, std::size_t{8}, cap}));
}

}  // namespace dn::conv
