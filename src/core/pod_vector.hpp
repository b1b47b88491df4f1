// Private: a growable array of trivially copyable values for the big append-only arrays (the
// Hamming index's rows). Growing a std::vector copies every element into freshly faulted memory;
// at 10 million rows that copy and its page faults were a fifth of the insert time. Here blocks of
// 2 MiB or more are anonymous mappings (2 MiB-aligned, MADV_HUGEPAGE) grown with mremap, which
// moves page tables instead of bytes. Smaller blocks use malloc/realloc.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

namespace saring::detail {

// Raw storage for PodVector: (re)allocates `bytes`, keeping the first `keep` bytes.
struct PodBlock {
  static void* grow(void* p, std::size_t old_bytes, std::size_t new_bytes, std::size_t keep);
  static void release(void* p, std::size_t bytes) noexcept;
  static std::size_t round(std::size_t bytes);  // the size actually reserved for `bytes`
};

template <class T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T>, "PodVector moves its elements as bytes");

 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  PodVector() = default;
  PodVector(std::size_t n, const T& v) { assign(n, v); }
  PodVector(const PodVector& o) { append(o.begin(), o.end()); }
  PodVector(PodVector&& o) noexcept { swap(o); }
  PodVector& operator=(PodVector o) noexcept {
    swap(o);
    return *this;
  }
  ~PodVector() { PodBlock::release(data_, cap_ * sizeof(T)); }

  void swap(PodVector& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
  }

  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return cap_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }

  void reserve(std::size_t n) {
    if (n > cap_) reallocate(n);
  }
  void clear() noexcept { size_ = 0; }
  // New elements are left unset: callers write them right after.
  void resize_uninitialized(std::size_t n) {
    reserve_for(n);
    size_ = n;
  }
  void assign(std::size_t n, const T& v) {
    size_ = 0;
    reserve_for(n);
    std::fill(data_, data_ + n, v);
    size_ = n;
  }
  void push_back(const T& v) {
    if (size_ == cap_) reserve_for(size_ + 1);
    data_[size_++] = v;
  }
  template <class It>
  void append(It first, It last) {
    const auto n = static_cast<std::size_t>(last - first);
    reserve_for(size_ + n);
    std::copy(first, last, data_ + size_);
    size_ += n;
  }

 private:
  void reserve_for(std::size_t n) {
    if (n > cap_) reallocate(std::max(n, cap_ + cap_ / 2 + 16));
  }
  void reallocate(std::size_t n) {
    const std::size_t bytes = PodBlock::round(n * sizeof(T));
    data_ = static_cast<T*>(PodBlock::grow(data_, cap_ * sizeof(T), bytes, size_ * sizeof(T)));
    cap_ = bytes / sizeof(T);
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

}  // namespace saring::detail
