// The learned part of spam scoring: L2-regularised logistic regression over hashed word n-grams,
// hashed character n-grams and the text rules' strengths, with class weights, a versioned model
// file, and online updates from moderator labels. And score_spam(), which puts the rules and the
// model together into a probability with reasons.
//
//   saring::SpamModel m = saring::SpamModel::train(texts, labels);   // labels: 1 = spam
//   m.save("spam.model");
//   saring::SpamScore s = saring::score_spam("Selamat! Anda menang hadiah, klik bit.ly/x", {}, &m);
//   s.probability;            // 0.97
//   s.reasons();              // SPAM_URL, SPAM_PROMO_WORDS, SPAM_MODEL ("hadiah" +1.2, ...)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "saring/core/report.hpp"
#include "saring/spam/rules.hpp"
#include "saring/spam/text.hpp"

namespace saring {

namespace detail {
struct SpamModelData;
}

// What the model sees. Stored in the model file, so scoring uses what training used.
struct SpamFeatureOptions {
  int hash_bits = 18;        // 2^bits weight buckets for hashed n-grams (12..24)
  int word_ngram_max = 2;    // word 1..max-grams (1..3)
  int char_ngram_min = 2;    // character n-grams over the normalised text, min..max bytes (1..8)
  int char_ngram_max = 5;
  bool rule_features = true; // the text rules' strengths as extra inputs
  void validate() const;     // throws Error(kInvalidArgument)
};

struct SpamTrainOptions {
  SpamFeatureOptions features;
  TextNormalizeOptions text;
  SpamRuleOptions rules;
  double l2 = 3e-5;               // L2 penalty: minimises mean weighted log-loss + l2/2 |w|^2
  double spam_weight = 0.0;       // class weight of spam examples; 0 = balanced (n / (2 n_spam))
  double normal_weight = 0.0;     // class weight of normal examples; 0 = balanced
  int max_iterations = 60;        // L-BFGS iterations (CV quality on the SMS set is flat from 30)
  double tolerance = 1e-5;        // stop when the relative loss decrease falls below this
  int threads = 0;                // threads for the passes over large data (0 = one per core)
  // Word lists for normalising and the lexicon rules. The model keeps them and records their
  // fingerprint in its file; loading the file needs the same lists (see SpamModel::from_bytes).
  SpamLexicons lexicons = SpamLexicons::builtin();
  void validate() const;          // throws Error(kInvalidArgument)
};

// One n-gram's push on the model's log-odds (positive = towards spam).
struct NgramContribution {
  std::string ngram;  // word n-grams as words ("klik disini"), char n-grams quoted ("'adia'")
  double log_odds = 0.0;
};

struct SpamScore {
  double probability = 0.0;         // P(spam) in [0, 1]
  double model_log_odds = 0.0;      // the model's log-odds (or base + text rules without a model)
  double context_log_odds = 0.0;    // capped context rules, added to the model's log-odds
  bool model_used = false;
  std::vector<SpamRuleHit> rules;   // fired rules with their contributions
  std::vector<NgramContribution> ngrams;  // n-grams that pushed the model most (|log-odds| order)
  TextStats stats;

  // Reasons in the verdict form: one per fired rule (score = 1 - exp(-contribution)), plus
  // SPAM_MODEL with the model's probability and its top n-grams when a model was used.
  std::vector<Reason> reasons() const;
};

struct SpamScoreOptions {
  TextNormalizeOptions text;
  SpamRuleOptions rules;
  std::size_t top_ngrams = 5;    // n-grams kept in SpamScore::ngrams (0 = skip explaining)
  double base_log_odds = -3.0;   // without a model: P = sigmoid(base + all capped rules)
  // Word lists for scoring without a model. With a model, the model's own lists are used (the
  // ones it was trained and loaded with), so its n-grams mean what they meant in training.
  SpamLexicons lexicons = SpamLexicons::builtin();
  void validate() const;
};

class SpamModel {
 public:
  SpamModel();  // an untrained model: every weight 0 (probability 0.5 before context)
  SpamModel(const SpamModel& other);
  SpamModel& operator=(const SpamModel& other);
  SpamModel(SpamModel&&) noexcept;
  SpamModel& operator=(SpamModel&&) noexcept;
  ~SpamModel();

  // Trains on texts with labels 1 = spam, 0 = not (sizes must match, both classes present).
  // Throws Error(kInvalidArgument) otherwise.
  static SpamModel train(const std::vector<std::string>& texts, const std::vector<int>& labels,
                         const SpamTrainOptions& options = {});

  // Model file: magic "SARSPAM\n", format version, options, lexicon fingerprint, weights, and a
  // 64-bit checksum. Loading checks all of them: Error(kCorrupt) for truncated, altered or
  // foreign files, Error(kIo) when the file cannot be read. `lexicons` are the word lists the
  // model was trained with; a file whose recorded fingerprint differs is Error(kInvalidArgument)
  // (its n-gram weights were learnt on differently folded text, so scoring would be silently off).
  static SpamModel from_bytes(std::string_view bytes, const SpamLexicons& lexicons = SpamLexicons::builtin());
  static SpamModel load(const std::string& path, const SpamLexicons& lexicons = SpamLexicons::builtin());
  std::string to_bytes() const;
  void save(const std::string& path) const;

  // P(spam) of one text from the model alone (rules enter only as model features).
  double predict(std::string_view text) const;
  // One SGD step on a moderator's label (1 = spam): w -= rate * (grad + l2 * w) on the features
  // the text touches. Not thread-safe against concurrent scoring.
  void update(std::string_view text, bool spam, double learning_rate = 0.05);

  const SpamFeatureOptions& features() const;
  const TextNormalizeOptions& text_options() const;
  const SpamRuleOptions& rule_options() const;
  std::uint64_t lexicon_fingerprint() const;
  const SpamLexicons& lexicons() const;  // the lists it was trained (or loaded) with
  std::size_t updates() const;  // online updates applied since training
  const detail::SpamModelData& data() const { return *data_; }

 private:
  std::unique_ptr<detail::SpamModelData> data_;
};

// Scores one text: rules always; the model when given. Never throws on content.
SpamScore score_spam(std::string_view text, const SpamContext& context = {},
                     const SpamModel* model = nullptr, const SpamScoreOptions& options = {});

}  // namespace saring
