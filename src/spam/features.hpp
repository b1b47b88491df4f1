// Private: the model's features, produced on the fly from a normalised text (no feature vector is
// built when scoring). Hashed word 1..k-grams and character n-grams (signed hashing, so that
// collisions cancel on average instead of adding up), then the text rules' strengths at fixed
// indices after the buckets. The model weighs each n-gram by its bucket's IDF and scales each
// block (words, chars) to unit L2 norm: TF-IDF, computed in the same single pass as the dot
// product (z = dot / sqrt(sum of idf^2)), so no vector is ever built.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "saring/spam/model.hpp"
#include "core/hash_mix.hpp"
#include "spam/lexicon_data.hpp"

namespace saring::detail {

// Rule strengths enter the model scaled down to the size of a typical TF-IDF value: at full scale
// the L2 penalty barely restrains their weights and they overfit (5-fold CV on the SMS set:
// ROC-AUC 0.9937 at 1.0, 0.996 at 0.2-0.35; see docs/spam.md).
inline constexpr float kRuleInputScale = 0.3f;
enum class FeatureKind : std::uint8_t { kWord, kChar, kRule };

// Number of character n-grams of the padded text " normalized " for n in [lo, hi].
inline std::size_t char_ngram_count(std::size_t len, int lo, int hi) noexcept {
  const std::size_t padded = len + 2;
  std::size_t total = 0;
  for (int n = lo; n <= hi; ++n) {
    if (padded >= static_cast<std::size_t>(n)) total += padded - static_cast<std::size_t>(n) + 1;
  }
  return total;
}

inline std::size_t word_ngram_count(std::size_t tokens, int max_n) noexcept {
  std::size_t total = 0;
  for (int n = 1; n <= max_n; ++n) {
    if (tokens >= static_cast<std::size_t>(n)) total += tokens - static_cast<std::size_t>(n) + 1;
  }
  return total;
}

// Calls f(index, value, kind, offset, length) for every feature: value is the hash sign (+1/-1)
// for n-grams and the strength for rules. Offsets/lengths locate the n-gram in text.normalized
// (char n-grams: in the padded text, offset 0 = the leading space).
template <class F>
inline void for_each_feature(const NormalizedText& text, const std::array<float, kSpamRuleCount>* rules,
                             const SpamFeatureOptions& o, F&& f) {
  const int shift = 64 - o.hash_bits;
  auto emit_hashed = [&](std::uint64_t h, FeatureKind kind, std::uint32_t off, std::uint32_t len) {
    const std::uint64_t m = h * 0x9E3779B97F4A7C15ull;
    const auto index = static_cast<std::uint32_t>(m >> shift);
    f(index, ((m >> (shift - 1)) & 1u) ? -1.0f : 1.0f, kind, off, len);
  };

  // Word n-grams.
  const std::size_t nt = text.tokens.size();
  if (o.word_ngram_max > 0) {
    for (std::size_t t = 0; t < nt; ++t) {
      std::uint64_t h = mix64(text.tokens[t].hash ^ 0x5bd1e9955bd1e995ull);
      emit_hashed(h, FeatureKind::kWord, text.tokens[t].offset, text.tokens[t].length);
      for (int n = 2; n <= o.word_ngram_max && t + static_cast<std::size_t>(n) <= nt; ++n) {
        const TextToken& last = text.tokens[t + static_cast<std::size_t>(n) - 1];
        h = mix64(h * 31 + last.hash);
        emit_hashed(h, FeatureKind::kWord, text.tokens[t].offset, last.offset + last.length - text.tokens[t].offset);
      }
    }
  }

  // Character n-grams over " normalized ", bytes (multi-byte characters are rare in reports and
  // their partial n-grams are harmless features).
  const std::size_t len = text.normalized.size();
  if (o.char_ngram_max > 0) {
    const char* s = text.normalized.data();
    const std::size_t padded = len + 2;
    for (std::size_t start = 0; start < padded; ++start) {
      std::uint64_t h = 0x84222325cbf29ce4ull;
      for (int k = 0; k < o.char_ngram_max; ++k) {
        const std::size_t pos = start + static_cast<std::size_t>(k);
        if (pos >= padded) break;
        const unsigned char c = (pos == 0 || pos == len + 1) ? ' ' : static_cast<unsigned char>(s[pos - 1]);
        h = fnv_step(h, c);
        if (k + 1 >= o.char_ngram_min) {
          emit_hashed(h ^ (h >> 29), FeatureKind::kChar, static_cast<std::uint32_t>(start),
                      static_cast<std::uint32_t>(k + 1));
        }
      }
    }
  }

  if (rules != nullptr && o.rule_features) {
    const std::uint32_t base = 1u << o.hash_bits;
    for (int r = 0; r < kSpamRuleCount; ++r) {
      const float v = (*rules)[static_cast<std::size_t>(r)] * kRuleInputScale;
      if (v != 0.0f && !is_context_rule(static_cast<SpamRule>(r))) {
        f(base + static_cast<std::uint32_t>(r), v, FeatureKind::kRule, static_cast<std::uint32_t>(r), 0);
      }
    }
  }
}

struct SpamModelData {
  SpamFeatureOptions features;
  TextNormalizeOptions text;
  SpamRuleOptions rules;
  std::uint64_t lexicon_fingerprint = 0;
  SpamLexicons lexicons = SpamLexicons::builtin();  // lexicon_fingerprint == lexicons.fingerprint()
  std::uint64_t updates = 0;
  double l2 = 1e-4;  // kept for online updates
  double bias = 0.0;
  float idf_unseen = 1.0f;     // IDF given to a bucket first met in an online update
  std::vector<float> weights;  // 2^hash_bits n-gram buckets, then kSpamRuleCount rule inputs
  std::vector<float> idf;      // per bucket; 0 = never seen in training (ignored, as a vocabulary would)
  // What scoring reads, per bucket: bfloat16(weight * idf) << 16 | bfloat16(idf^2). One 4-byte
  // load per n-gram, and 1 MiB for 2^18 buckets instead of 2 MiB of floats: scoring is bound by
  // cache misses on this table, and bfloat16's 3 digits are plenty for a sum of ~300 small terms.
  std::vector<std::uint32_t> packed;

  std::size_t buckets() const { return std::size_t{1} << features.hash_bits; }
  void reset(const SpamFeatureOptions& f) {
    features = f;
    weights.assign(buckets() + kSpamRuleCount, 0.0f);
    idf.assign(buckets(), 1.0f);
    bias = 0.0;
    refresh();
  }
  void refresh() {
    packed.resize(buckets());
    for (std::size_t j = 0; j < buckets(); ++j) refresh(j);
  }
  void refresh(std::size_t j) { packed[j] = (to_bf16(weights[j] * idf[j]) << 16) | to_bf16(idf[j] * idf[j]); }

  static std::uint32_t to_bf16(float f) {  // round to nearest even
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return u >> 16;
  }
  static float weight_of(std::uint32_t p) { return bits_to_float(p & 0xFFFF0000u); }
  static float idf2_of(std::uint32_t p) { return bits_to_float(p << 16); }
  static float bits_to_float(std::uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
};

// The model's log-odds for a text: TF-IDF blocks scaled to unit norm, plus rules and bias.
struct LogitParts {
  float word_dot = 0, word_norm2 = 0, char_dot = 0, char_norm2 = 0, rules = 0;
  double logit(double bias) const {
    double z = bias + rules;
    if (word_norm2 > 0) z += word_dot / std::sqrt(word_norm2);
    if (char_norm2 > 0) z += char_dot / std::sqrt(char_norm2);
    return z;
  }
};

inline LogitParts logit_parts(const SpamModelData& m, const NormalizedText& t,
                              const std::array<float, kSpamRuleCount>& rules) {
  LogitParts p;
  const std::uint32_t* packed = m.packed.data();
  const float* w = m.weights.data();
  // Char n-grams sum into four accumulators chosen by n-gram length, so that consecutive
  // additions do not wait on each other (the sums are latency-bound otherwise).
  float char_dot[4] = {}, char_norm2[4] = {};
  for_each_feature(t, &rules, m.features, [&](std::uint32_t idx, float v, FeatureKind kind, std::uint32_t, std::uint32_t len) {
    if (kind == FeatureKind::kWord) {
      const std::uint32_t e = packed[idx];
      p.word_dot += v * SpamModelData::weight_of(e);
      p.word_norm2 += SpamModelData::idf2_of(e);
    } else if (kind == FeatureKind::kChar) {
      const std::uint32_t e = packed[idx];
      char_dot[len & 3] += v * SpamModelData::weight_of(e);
      char_norm2[len & 3] += SpamModelData::idf2_of(e);
    } else {  // rule inputs live after the buckets, in `weights` only
      p.rules += w[idx] * v;
    }
  });
  p.char_dot = (char_dot[0] + char_dot[1]) + (char_dot[2] + char_dot[3]);
  p.char_norm2 = (char_norm2[0] + char_norm2[1]) + (char_norm2[2] + char_norm2[3]);
  return p;
}

}  // namespace saring::detail
