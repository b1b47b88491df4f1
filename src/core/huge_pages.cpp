#include "core/huge_pages.hpp"

#include <cstdlib>

#include <sys/mman.h>

namespace saring::detail {
namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}

void* huge_allocate(std::size_t bytes) {
  if (bytes < kHugePage) return ::operator new(bytes);
  const std::size_t rounded = (bytes + kHugePage - 1) & ~(kHugePage - 1);
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (!p) throw std::bad_alloc();
  (void)::madvise(p, rounded, MADV_HUGEPAGE);
  return p;
}

void huge_deallocate(void* p, std::size_t bytes) noexcept {
  if (bytes < kHugePage) {
    ::operator delete(p);
  } else {
    std::free(p);
  }
}

}  // namespace saring::detail
