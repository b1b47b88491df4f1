// An open-addressing table of (hash, value) pairs for keys that live elsewhere: each entry holds a
// full hash of its key and a value, usually an index into the caller's own array, where the key is
// confirmed. Small entries keep probes cheap in tables of millions (8 bytes for 32-bit hash and
// value, 16 for 64-bit), and no key is stored twice.
//
// Linear probing, growth at half load, deletion by backward shift (no tombstones, so probe runs
// stay short under churn). The home slot is the hash's low bits: callers pass well-mixed hashes.
// One empty marker is reserved: the value kNoValue is never stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace saring::detail {

template <class HashWord, class Value>
class FlatHashTable {
  static_assert(std::is_unsigned_v<HashWord> && std::is_unsigned_v<Value>);

 public:
  static constexpr Value kNoValue = std::numeric_limits<Value>::max();

  FlatHashTable() = default;
  // Room for `expected` entries without growing.
  explicit FlatHashTable(std::size_t expected) { rehash(capacity_for(expected)); }

  // The value of the first entry with hash h for which same(value) holds; kNoValue when none.
  template <class Same>
  Value find(HashWord h, Same&& same) const {
    if (entries_.empty()) return kNoValue;
    for (std::size_t i = home(h);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.value == kNoValue) return kNoValue;
      if (e.hash == h && same(e.value)) return e.value;
    }
  }
  // Adds (h, value); the caller knows that the key is absent. value must not be kNoValue.
  void insert(HashWord h, Value value) {
    if ((size_ + 1) * 2 > entries_.size()) rehash(entries_.empty() ? 64 : entries_.size() * 2);
    std::size_t i = home(h);
    while (entries_[i].value != kNoValue) i = (i + 1) & mask_;
    entries_[i] = Entry{h, value};
    ++size_;
  }
  // The value held for the key (hash h, confirmed by same), or else adds (h, value) and returns
  // value. same is called on held values only.
  template <class Same>
  Value find_or_insert(HashWord h, Value value, Same&& same) {
    if ((size_ + 1) * 2 > entries_.size()) rehash(entries_.empty() ? 64 : entries_.size() * 2);
    std::size_t i = home(h);
    for (;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.value == kNoValue) break;
      if (e.hash == h && same(e.value)) return e.value;
    }
    entries_[i] = Entry{h, value};
    ++size_;
    return value;
  }
  // Removes the entry (h, value); false when there is none.
  bool erase(HashWord h, Value value) {
    if (entries_.empty()) return false;
    std::size_t i = home(h);
    for (;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.value == kNoValue) return false;
      if (e.hash == h && e.value == value) break;
    }
    // Backward shift: a later entry of the probe run moves into the hole unless its home lies
    // cyclically in (hole, its position], where moving it would put it before its home.
    for (std::size_t j = (i + 1) & mask_; entries_[j].value != kNoValue; j = (j + 1) & mask_) {
      const std::size_t k = home(entries_[j].hash);
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      entries_[i] = entries_[j];
      i = j;
    }
    entries_[i] = Entry{};
    --size_;
    return true;
  }
  // Starts loading the first entry a lookup of h reads.
  void prefetch(HashWord h) const {
    if (!entries_.empty()) __builtin_prefetch(&entries_[home(h)]);
  }
  // The value of the first entry with hash h, unconfirmed (to prefetch what it points at).
  Value peek(HashWord h) const { return find(h, [](Value) { return true; }); }

  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return entries_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    HashWord hash = 0;
    Value value = kNoValue;
  };
  static std::size_t capacity_for(std::size_t n) {
    std::size_t cap = 64;
    while (cap < 2 * n) cap <<= 1;
    return cap;
  }
  std::size_t home(HashWord h) const { return static_cast<std::size_t>(h) & mask_; }
  void rehash(std::size_t cap) {
    std::vector<Entry> old;
    old.swap(entries_);
    entries_.assign(cap, Entry{});
    mask_ = cap - 1;
    for (const Entry& e : old) {
      if (e.value == kNoValue) continue;
      std::size_t i = home(e.hash);
      while (entries_[i].value != kNoValue) i = (i + 1) & mask_;
      entries_[i] = e;
    }
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace saring::detail
