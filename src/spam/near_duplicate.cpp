// SimHash over character shingles and a pigeonhole band index for near-duplicate text.
#include <algorithm>
#include <bit>

#include "saring/core/error.hpp"
#include "saring/spam/near_duplicate.hpp"
#include "spam/features.hpp"

namespace saring {

void NearDuplicateOptions::validate() const {
  if (max_distance < 0 || max_distance > 15) {
    throw Error(ErrorCode::kInvalidArgument, "NearDuplicateOptions.max_distance must be in [0, 15]");
  }
  if (shingle < 2 || shingle > 16) throw Error(ErrorCode::kInvalidArgument, "NearDuplicateOptions.shingle must be in [2, 16]");
  if (min_chars < static_cast<std::size_t>(shingle)) {
    throw Error(ErrorCode::kInvalidArgument, "NearDuplicateOptions.min_chars must be >= shingle");
  }
}

std::optional<Hash64> text_simhash(std::string_view text, const NearDuplicateOptions& o) {
  o.validate();
  if (text.size() < o.min_chars) return std::nullopt;
  int counts[64] = {};
  const std::size_t k = static_cast<std::size_t>(o.shingle);
  for (std::size_t i = 0; i + k <= text.size(); ++i) {
    const std::uint64_t h = detail::mix64(detail::fnv_continue(detail::kFnvOffset, text.data() + i, k));
    for (int b = 0; b < 64; ++b) counts[b] += ((h >> b) & 1u) ? 1 : -1;
  }
  std::uint64_t bits = 0;
  for (int b = 0; b < 64; ++b) {
    if (counts[b] > 0) bits |= std::uint64_t{1} << b;
  }
  return Hash64(bits);
}

NearDuplicateTextIndex::NearDuplicateTextIndex(const NearDuplicateOptions& options) : options_(options) {
  options_.validate();
  bands_ = options_.max_distance + 1;  // pigeonhole: <= d differing bits leave one of d+1 bands equal
  band_maps_.resize(static_cast<std::size_t>(bands_));
}

namespace {
// Band b of a hash: bits [64*b/bands, 64*(b+1)/bands), tagged with b.
std::uint64_t band_key(std::uint64_t h, int b, int bands) {
  const int lo = 64 * b / bands, hi = 64 * (b + 1) / bands;
  const std::uint64_t mask = hi - lo == 64 ? ~0ull : ((std::uint64_t{1} << (hi - lo)) - 1);
  return ((h >> lo) & mask);
}
}  // namespace

void NearDuplicateTextIndex::add(std::string id, Hash64 hash, UnixSeconds time) {
  const auto slot = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back({std::move(id), hash, time, true});
  ++live_;
  for (int b = 0; b < bands_; ++b) band_maps_[static_cast<std::size_t>(b)][band_key(hash.bits(), b, bands_)].push_back(slot);
}

template <class F>
void NearDuplicateTextIndex::for_each_near(Hash64 hash, UnixSeconds since, F&& f) const {
  thread_local std::vector<std::uint32_t> seen;
  seen.clear();
  for (int b = 0; b < bands_; ++b) {
    const auto& map = band_maps_[static_cast<std::size_t>(b)];
    const auto it = map.find(band_key(hash.bits(), b, bands_));
    if (it == map.end()) continue;
    for (std::uint32_t slot : it->second) {
      const Entry& e = entries_[slot];
      if (!e.alive || e.time < since) continue;
      const int d = std::popcount(e.hash.bits() ^ hash.bits());
      if (d > options_.max_distance) continue;
      seen.push_back(slot);  // an item can share several bands; report it once
    }
  }
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (std::uint32_t slot : seen) f(entries_[slot]);
}

std::size_t NearDuplicateTextIndex::count_near(Hash64 hash, UnixSeconds since) const {
  std::size_t n = 0;
  for_each_near(hash, since, [&](const Entry&) { ++n; });
  return n;
}

std::vector<std::string> NearDuplicateTextIndex::find_near(Hash64 hash, UnixSeconds since, std::size_t limit) const {
  std::vector<std::pair<int, const Entry*>> found;
  for_each_near(hash, since, [&](const Entry& e) { found.push_back({std::popcount(e.hash.bits() ^ hash.bits()), &e}); });
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < found.size() && i < limit; ++i) ids.push_back(found[i].second->id);
  return ids;
}

void NearDuplicateTextIndex::remove_older_than(UnixSeconds time) {
  for (Entry& e : entries_) {
    if (e.alive && e.time < time) {
      e.alive = false;
      --live_;
    }
  }
  if (live_ * 2 < entries_.size()) rebuild();  // compact once half the slots are dead
}

void NearDuplicateTextIndex::rebuild() {
  std::vector<Entry> old;
  old.swap(entries_);
  for (auto& m : band_maps_) m.clear();
  live_ = 0;
  for (Entry& e : old) {
    if (e.alive) add(std::move(e.id), e.hash, e.time);
  }
}

}  // namespace saring
