#include "orb_cache.hpp"

#include "saring/core/error.hpp"

namespace saring::detail {
namespace {

// The photos the submitting thread's hashing decoded (OrbCache::Prepared).
thread_local const std::vector<PreparedPhoto>* tl_prepared = nullptr;

// Bookkeeping per entry besides key and value: the list node, the index node and its bucket.
constexpr std::size_t kEntryOverhead = 96;

}  // namespace

std::string OrbPhoto::key() const {
  std::string k = path;
  k.push_back('\n');  // a path cannot hold it in the report JSON as the filter reads it; unambiguous
  if (pdq) k += pdq->hex();
  return k;
}

OrbCache::Prepared::Prepared(const std::vector<PreparedPhoto>* photos) : previous_(tl_prepared) { tl_prepared = photos; }
OrbCache::Prepared::~Prepared() { tl_prepared = previous_; }

template <typename V>
const V* OrbCache::Lru<V>::find(const std::string& key) {
  const auto it = at.find(key);
  if (it == at.end()) return nullptr;
  order.splice(order.begin(), order, it->second);  // now the most recent
  return &it->second->value;
}

template <typename V>
void OrbCache::Lru<V>::put(std::string key, V value, std::size_t value_bytes, std::size_t limit) {
  if (at.count(key)) return;  // another thread extracted it meanwhile: same result
  const std::size_t entry_bytes = key.capacity() + value_bytes + sizeof(Entry) + kEntryOverhead;
  if (entry_bytes > limit) return;  // larger than the whole cache: not kept
  while (bytes + entry_bytes > limit && !order.empty()) {
    bytes -= order.back().bytes;
    at.erase(order.back().key);
    order.pop_back();
  }
  order.push_front(Entry{std::move(key), std::move(value), entry_bytes});
  at.emplace(order.front().key, order.begin());
  bytes += entry_bytes;
}

std::shared_ptr<const OrbFeatures> OrbCache::features(const OrbPhoto& photo, const GeometricOptions& options) {
  const std::string key = photo.key();
  {
    std::lock_guard lock(mu_);
    if (const auto* f = features_.find(key)) return *f;
  }
  // Extracted outside the lock (milliseconds); two threads missing on one photo both extract it
  // and get the same features.
  extractions_.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<const OrbFeatures> f;
  try {
    const PreparedPhoto* prepared = nullptr;
    if (tl_prepared) {
      for (const auto& p : *tl_prepared) {
        if (p.path == photo.path && !p.bytes.empty()) prepared = &p;
      }
    }
    f = std::make_shared<const OrbFeatures>(prepared ? orb_features_prepared(*prepared, options)
                                                     : orb_features(photo.path, options));
  } catch (const Error&) {
    f = nullptr;  // unreadable or undecodable: no geometric evidence from this photo
  }
  std::lock_guard lock(mu_);
  features_.put(key, f, f ? f->memory_bytes() : 0, limits_.feature_bytes);
  return f;
}

int OrbCache::inliers(const OrbPhoto& a, const OrbPhoto& b, const GeometricOptions& options) {
  std::string ka = a.key(), kb = b.key();
  const bool swap = kb < ka;
  std::string pair = swap ? kb + '\0' + ka : ka + '\0' + kb;
  {
    std::lock_guard lock(mu_);
    if (const int* n = pairs_.find(pair)) return *n;
  }
  // In key order, so the pair's result does not depend on which photo is the new one.
  const auto fa = features(swap ? b : a, options);
  const auto fb = features(swap ? a : b, options);
  if (fa && fb) matches_.fetch_add(1, std::memory_order_relaxed);
  const int n = fa && fb ? geometric_same_scene(*fa, *fb, options).inliers : -1;
  std::lock_guard lock(mu_);
  pairs_.put(std::move(pair), n, 0, limits_.pair_bytes);
  return n;
}

std::size_t OrbCache::feature_bytes() const {
  std::lock_guard lock(mu_);
  return features_.bytes;
}
std::size_t OrbCache::pair_bytes() const {
  std::lock_guard lock(mu_);
  return pairs_.bytes;
}
std::size_t OrbCache::feature_entries() const {
  std::lock_guard lock(mu_);
  return features_.order.size();
}

}  // namespace saring::detail
