#include "core/pod_vector.hpp"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

#include <sys/mman.h>

namespace saring::detail {
namespace {

constexpr std::size_t kHuge = std::size_t{2} << 20;

#if defined(__SANITIZE_ADDRESS__)
#define SARING_POD_MALLOC_ONLY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SARING_POD_MALLOC_ONLY 1
#endif
#endif

#ifdef SARING_POD_MALLOC_ONLY
// AddressSanitizer checks accesses against malloc'd blocks, not against raw mappings.
bool mapped(std::size_t) { return false; }
#else
bool mapped(std::size_t bytes) { return bytes >= kHuge; }
#endif

// A 2 MiB-aligned range of `bytes` (a multiple of 2 MiB) of fresh address space: map 2 MiB more
// and trim, so transparent huge pages can back the whole block.
void* map_aligned(std::size_t bytes) {
  void* raw = ::mmap(nullptr, bytes + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHuge - 1) & ~(kHuge - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t tail = aligned + bytes;
  const std::uintptr_t raw_end = start + bytes + kHuge;
  if (raw_end > tail) ::munmap(reinterpret_cast<void*>(tail), raw_end - tail);
  void* p = reinterpret_cast<void*>(aligned);
  (void)::madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

// Freed mapped blocks, kept for reuse. The index builds its segments into fresh arrays and frees
// the ones they replace; fresh anonymous memory is zeroed by the kernel on first touch, which cost a
// fifth of the insert time at 10 million rows. Kept blocks are handed to the kernel with
// MADV_FREE (it may reclaim them under memory pressure; until then they count in the resident set)
// and moved into place with mremap when a new block is taken, so a rebuild reuses the pages the
// previous one freed. At most kCacheLimit bytes are kept; the rest is unmapped at once.
constexpr std::size_t kCacheLimit = std::size_t{512} << 20;

struct PageCache {
  std::mutex mutex;
  std::vector<std::pair<char*, std::size_t>> blocks;
  std::size_t bytes = 0;
};
PageCache& cache() {
  static PageCache* c = new PageCache;  // never destroyed: blocks may be freed during static teardown
  return *c;
}

void* take_mapped(std::size_t bytes) {
  char* target = static_cast<char*>(map_aligned(bytes));
  PageCache& c = cache();
  std::lock_guard lock(c.mutex);
  std::size_t filled = 0;
  while (filled < bytes && !c.blocks.empty()) {
    auto& [block, size] = c.blocks.back();
    const std::size_t use = std::min(size, bytes - filled);
    if (::mremap(block, use, use, MREMAP_MAYMOVE | MREMAP_FIXED, target + filled) == MAP_FAILED) break;
    filled += use;
    c.bytes -= use;
    if (use == size) {
      c.blocks.pop_back();
    } else {
      block += use;
      size -= use;
    }
  }
  return target;
}

void give_mapped(void* p, std::size_t bytes) noexcept {
  PageCache& c = cache();
  {
    std::lock_guard lock(c.mutex);
    if (c.bytes + bytes <= kCacheLimit) {
      try {
        c.blocks.emplace_back(static_cast<char*>(p), bytes);
      } catch (...) {
        ::munmap(p, bytes);
        return;
      }
      c.bytes += bytes;
      (void)::madvise(p, bytes, MADV_FREE);
      return;
    }
  }
  ::munmap(p, bytes);
}

}  // namespace

std::size_t PodBlock::round(std::size_t bytes) {
  return mapped(bytes) ? (bytes + kHuge - 1) & ~(kHuge - 1) : bytes;
}

void* PodBlock::grow(void* p, std::size_t old_bytes, std::size_t new_bytes, std::size_t keep) {
  if (!mapped(new_bytes)) {
    // Shrinking below the mapping threshold never happens (capacity only grows).
    void* q = std::realloc(p, new_bytes == 0 ? 1 : new_bytes);
    if (!q) throw std::bad_alloc();
    return q;
  }
  if (p != nullptr && mapped(old_bytes)) {
    // In place when the address space after the block is free, else page tables move to a fresh
    // aligned range (MREMAP_FIXED replaces the reservation made there).
    void* q = ::mremap(p, old_bytes, new_bytes, 0);
    if (q != MAP_FAILED) {
      (void)::madvise(q, new_bytes, MADV_HUGEPAGE);
      return q;
    }
    void* target = map_aligned(new_bytes);
    q = ::mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    if (q != MAP_FAILED) {
      (void)::madvise(q, new_bytes, MADV_HUGEPAGE);
      return q;
    }
    // mremap moves one mapping only; a block assembled from cached pieces can span several, so
    // copy it instead.
    ::munmap(target, new_bytes);
    q = take_mapped(new_bytes);
    std::memcpy(q, p, keep);
    give_mapped(p, old_bytes);
    return q;
  }
  void* q = take_mapped(new_bytes);
  if (keep > 0) std::memcpy(q, p, keep);
  std::free(p);
  return q;
}

void PodBlock::release(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (mapped(bytes)) {
    give_mapped(p, bytes);
  } else {
    std::free(p);
  }
}

}  // namespace saring::detail
