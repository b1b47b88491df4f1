// Private entry points of the batch clusterer, visible to the tests.
#pragma once

#include <cstdint>
#include <vector>

#include "saring/cluster/dbscan.hpp"

namespace saring::detail {

// force_general = true skips the spatial grid fast path (tests compare the two).
std::vector<std::int32_t> run_dbscan(const DbscanInput& in, const DbscanOptions& o, bool force_general);

}  // namespace saring::detail
