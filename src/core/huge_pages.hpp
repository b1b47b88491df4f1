// Private: allocation of the big arrays (index hashes and postings, clustering's per-point
// arrays). Blocks of 2 MiB or more are 2 MiB-aligned and marked MADV_HUGEPAGE: queries touch these
// arrays at random, and with 4 KiB pages nearly every access at 10 million entries also missed
// the TLB; first touches of fresh memory cost one page fault per 4 KiB instead of per 2 MiB.
// Advice only: where transparent huge pages are off nothing changes. Smaller blocks use new.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace saring::detail {

void* huge_allocate(std::size_t bytes);
void huge_deallocate(void* p, std::size_t bytes) noexcept;

// kZeroFill = false: resize() default-initialises instead of zeroing, for arrays that are written
// in full right after (the index's segment postings: zeroing them first cost a pass per build).
template <class T, bool kZeroFill = true>
struct HugePageAllocator {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = HugePageAllocator<U, kZeroFill>;
  };
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U, kZeroFill>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(huge_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { huge_deallocate(p, n * sizeof(T)); }
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    if constexpr (kZeroFill) {
      ::new (static_cast<void*>(p)) U();
    } else {
      ::new (static_cast<void*>(p)) U;
    }
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U, kZeroFill>&) const noexcept { return true; }
};

template <class T>
using BigVector = std::vector<T, HugePageAllocator<T>>;             // zero-filled like std::vector
template <class T>
using BigBuffer = std::vector<T, HugePageAllocator<T, false>>;      // resize() leaves values unset

}  // namespace saring::detail
