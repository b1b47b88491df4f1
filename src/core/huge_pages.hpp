// Private: allocation of the big arrays (index hashes and postings, clustering's per-point
// arrays). Blocks of 2 MiB or more are 2 MiB-aligned and marked MADV_HUGEPAGE: queries touch these
// arrays at random, and with 4 KiB pages nearly every access at 10 million entries also missed
// the TLB; first touches of fresh memory cost one page fault per 4 KiB instead of per 2 MiB.
// Advice only: where transparent huge pages are off nothing changes. Smaller blocks use new.
#pragma once

#include <cstddef>
#include <vector>

namespace saring::detail {

void* huge_allocate(std::size_t bytes);
void huge_deallocate(void* p, std::size_t bytes) noexcept;

// The clustering module's per-point arrays. (The index's arrays are PodVectors, core/pod_vector.hpp,
// which also grow without copying and reuse freed pages.)
template <class T>
struct HugePageAllocator {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = HugePageAllocator<U>;
  };
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(huge_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { huge_deallocate(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

template <class T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace saring::detail
