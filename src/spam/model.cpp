// Logistic regression over hashed n-grams: training (L-BFGS on the class-weighted, L2-penalised
// mean log-loss), the model file, prediction, online updates, and score_spam().
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>

#include "saring/core/error.hpp"
#include "saring/spam/model.hpp"
#include "spam/features.hpp"

namespace saring {

void SpamFeatureOptions::validate() const {
  auto fail = [](const std::string& m) { throw Error(ErrorCode::kInvalidArgument, "SpamFeatureOptions." + m); };
  if (hash_bits < 12 || hash_bits > 24) fail("hash_bits must be in [12, 24], got " + std::to_string(hash_bits));
  if (word_ngram_max < 0 || word_ngram_max > 3) fail("word_ngram_max must be in [0, 3], got " + std::to_string(word_ngram_max));
  if (char_ngram_max != 0 && (char_ngram_min < 1 || char_ngram_min > char_ngram_max || char_ngram_max > 8)) {
    fail("char_ngram_min..char_ngram_max must satisfy 1 <= min <= max <= 8 (max 0 turns them off)");
  }
}

void SpamTrainOptions::validate() const {
  features.validate();
  text.validate();
  rules.validate();
  auto fail = [](const std::string& m) { throw Error(ErrorCode::kInvalidArgument, "SpamTrainOptions." + m); };
  if (!(l2 >= 0.0 && l2 < 10.0)) fail("l2 must be in [0, 10)");
  if (!(spam_weight >= 0.0 && spam_weight < 1e6) || !(normal_weight >= 0.0 && normal_weight < 1e6)) {
    fail("spam_weight and normal_weight must be in [0, 1e6) (0 = balanced)");
  }
  if (max_iterations < 1 || max_iterations > 100000) fail("max_iterations must be in [1, 100000]");
  if (!(tolerance >= 0.0 && tolerance < 1.0)) fail("tolerance must be in [0, 1)");
  if (threads < 0 || threads > 256) fail("threads must be in [0, 256] (0 = one per core)");
}

void SpamScoreOptions::validate() const {
  text.validate();
  rules.validate();
  if (!std::isfinite(base_log_odds) || std::abs(base_log_odds) > 50) {
    throw Error(ErrorCode::kInvalidArgument, "SpamScoreOptions.base_log_odds must be finite, |x| <= 50");
  }
  if (top_ngrams > 100) throw Error(ErrorCode::kInvalidArgument, "SpamScoreOptions.top_ngrams must be <= 100");
}

namespace {

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }
// log(1 + exp(-m)) without overflow.
double log1pexp_neg(double m) { return m > 0 ? std::log1p(std::exp(-m)) : -m + std::log1p(std::exp(m)); }

// Per-thread scratch, so scoring reuses buffers instead of allocating per text.
struct Scratch {
  NormalizedText text;
  SpamRuleResult rules;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Training rows in a compact form: each entry is a bucket index with the sign in bit 31; its
// value is sign * idf[index] * (the row's word or char block scale, 1 / sqrt(sum of idf^2)).
struct TrainRows {
  std::vector<std::uint32_t> entries;
  std::vector<float> idf;             // per (remapped) bucket
  std::vector<std::uint64_t> begin;   // rows + 1
  std::vector<std::uint32_t> n_word;  // entries of the row that are word n-grams (the rest: chars)
  std::vector<float> word_scale, char_scale;
  std::vector<float> rules;           // rows x kSpamRuleCount
  std::vector<double> y, c;           // label, class weight
};

constexpr std::uint32_t kSignBit = 0x80000000u;

template <class Fn>
void for_row(const TrainRows& d, std::size_t i, Fn&& fn) {
  const std::uint64_t b = d.begin[i], e = d.begin[i + 1];
  const std::uint64_t mid = b + d.n_word[i];
  const float ws = d.word_scale[i], cs = d.char_scale[i];
  const float* idf = d.idf.data();
  for (std::uint64_t k = b; k < e; ++k) {
    const std::uint32_t v = d.entries[k];
    const std::uint32_t idx = v & ~kSignBit;
    const float scale = (k < mid ? ws : cs) * idf[idx];
    fn(idx, (v & kSignBit) ? -scale : scale);
  }
}

class Objective {
 public:
  Objective(const TrainRows& d, std::size_t dims, double l2, std::size_t threads)
      : d_(d), dims_(dims), l2_(l2), threads_(threads) {
    total_weight_ = 0;
    for (double c : d.c) total_weight_ += c;
  }
  // w: dims_ weights then the bias. Returns the loss, fills g.
  double operator()(const Eigen::VectorXd& w, Eigen::VectorXd& g) const {
    // The pass over the data gathers and scatters in float (half the memory traffic of double);
    // the optimiser's own vectors stay double. Rows are split into contiguous ranges, one per
    // thread, each with its own gradient buffer, summed in a fixed order (deterministic for a
    // given thread count).
    wf_ = w.cast<float>();
    const std::size_t rows = d_.y.size();
    const std::size_t parts = std::max<std::size_t>(1, std::min<std::size_t>(threads_, rows / 2048 + 1));
    if (gf_.size() != parts) gf_.resize(parts);
    std::vector<double> loss(parts, 0.0), bias_grad(parts, 0.0);
    auto work = [&](std::size_t part) {
      Eigen::VectorXf& gbuf = gf_[part];
      gbuf.setZero(w.size());
      const std::size_t lo = rows * part / parts, hi = rows * (part + 1) / parts;
      const std::size_t base = dims_ - kSpamRuleCount;
      const float* wp = wf_.data();
      float* gp = gbuf.data();
      const double b = w[static_cast<Eigen::Index>(dims_)];
      for (std::size_t i = lo; i < hi; ++i) {
        float zf = 0;
        for_row(d_, i, [&](std::uint32_t idx, float v) { zf += wp[idx] * v; });
        const float* r = &d_.rules[i * kSpamRuleCount];
        for (int k = 0; k < kSpamRuleCount; ++k) zf += wp[base + static_cast<std::size_t>(k)] * r[k];
        const double z = b + zf;
        const double y = d_.y[i], c = d_.c[i];
        loss[part] += c * log1pexp_neg(y > 0.5 ? z : -z);
        const double delta = c * (sigmoid(z) - y);
        const float df = static_cast<float>(delta);
        for_row(d_, i, [&](std::uint32_t idx, float v) { gp[idx] += df * v; });
        for (int k = 0; k < kSpamRuleCount; ++k) gp[base + static_cast<std::size_t>(k)] += df * r[k];
        bias_grad[part] += delta;
      }
    };
    std::vector<std::thread> pool;
    for (std::size_t p = 1; p < parts; ++p) pool.emplace_back(work, p);
    work(0);
    for (auto& t : pool) t.join();
    g = gf_[0].cast<double>();
    double total_loss = loss[0], total_bias = bias_grad[0];
    for (std::size_t p = 1; p < parts; ++p) {
      g += gf_[p].cast<double>();
      total_loss += loss[p];
      total_bias += bias_grad[p];
    }
    g[static_cast<Eigen::Index>(dims_)] = total_bias;
    const double inv = 1.0 / total_weight_;
    g *= inv;
    double result = total_loss * inv;
    const auto weights = w.head(static_cast<Eigen::Index>(dims_));
    result += 0.5 * l2_ * weights.squaredNorm();
    g.head(static_cast<Eigen::Index>(dims_)) += l2_ * weights;
    return result;
  }

 private:
  const TrainRows& d_;
  std::size_t dims_;
  double l2_;
  double total_weight_;
  std::size_t threads_;
  mutable Eigen::VectorXf wf_;
  mutable std::vector<Eigen::VectorXf> gf_;
};

// Limited-memory BFGS with a backtracking (Armijo) line search: the objective is smooth and
// convex, and full-batch steps make training deterministic (same data, same model).
Eigen::VectorXd minimise(const Objective& f, std::size_t n, int max_iterations, double tolerance) {
  constexpr int kHistory = 8;
  Eigen::VectorXd x = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
  Eigen::VectorXd g(x.size()), g_new(x.size()), x_new(x.size()), d(x.size());
  double fx = f(x, g);
  std::deque<Eigen::VectorXd> s_hist, y_hist;
  std::deque<double> rho_hist;
  std::vector<double> alpha(kHistory);
  for (int iter = 0; iter < max_iterations; ++iter) {
    const double gnorm = g.norm();
    if (gnorm < 1e-10) break;
    // Two-loop recursion: d = -H g.
    d = -g;
    const int m = static_cast<int>(s_hist.size());
    for (int k = m - 1; k >= 0; --k) {
      alpha[static_cast<std::size_t>(k)] = rho_hist[static_cast<std::size_t>(k)] * s_hist[static_cast<std::size_t>(k)].dot(d);
      d -= alpha[static_cast<std::size_t>(k)] * y_hist[static_cast<std::size_t>(k)];
    }
    if (m > 0) {
      d *= s_hist.back().dot(y_hist.back()) / y_hist.back().squaredNorm();
    }
    for (int k = 0; k < m; ++k) {
      const double beta = rho_hist[static_cast<std::size_t>(k)] * y_hist[static_cast<std::size_t>(k)].dot(d);
      d += (alpha[static_cast<std::size_t>(k)] - beta) * s_hist[static_cast<std::size_t>(k)];
    }
    double slope = g.dot(d);
    if (slope >= 0) {  // not a descent direction (numerical trouble): fall back to the gradient
      d = -g;
      slope = -gnorm * gnorm;
      s_hist.clear(), y_hist.clear(), rho_hist.clear();
    }
    double step = (m == 0) ? std::min(1.0, 1.0 / gnorm) : 1.0;
    double f_new = 0;
    bool accepted = false;
    for (int ls = 0; ls < 40; ++ls) {
      x_new = x + step * d;
      f_new = f(x_new, g_new);
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    Eigen::VectorXd s = x_new - x, y = g_new - g;
    const double sy = s.dot(y);
    if (sy > 1e-12) {
      if (static_cast<int>(s_hist.size()) == kHistory) {
        s_hist.pop_front(), y_hist.pop_front(), rho_hist.pop_front();
      }
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(y));
      rho_hist.push_back(1.0 / sy);
    }
    const double decrease = (fx - f_new) / std::max({std::abs(fx), std::abs(f_new), 1e-12});
    x.swap(x_new);
    g.swap(g_new);
    fx = f_new;
    if (decrease < tolerance) break;
  }
  return x;
}

void check_finite_weights(const detail::SpamModelData& d, const char* what) {
  if (!std::isfinite(d.bias)) throw Error(ErrorCode::kCorrupt, std::string(what) + ": bias is not finite");
  for (float w : d.weights) {
    if (!std::isfinite(w)) throw Error(ErrorCode::kCorrupt, std::string(what) + ": a weight is not finite");
  }
}

// ---- model file ----
constexpr char kMagic[8] = {'S', 'A', 'R', 'S', 'P', 'A', 'M', '\n'};
constexpr std::uint32_t kFormatVersion = 1;

std::uint64_t checksum(std::string_view bytes) {
  return detail::mix64(detail::fnv_continue(detail::kFnvOffset, bytes.data(), bytes.size()));
}

class Writer {
 public:
  template <class T>
  void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
  }
  std::string out;
};

class Reader {
 public:
  Reader(std::string_view b, std::string what) : b_(b), what_(std::move(what)) {}
  template <class T>
  T get() {
    if (b_.size() - pos_ < sizeof(T)) throw Error(ErrorCode::kCorrupt, what_ + ": truncated at byte " + std::to_string(pos_));
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::size_t pos() const { return pos_; }
  const std::string& what() const { return what_; }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
  std::string what_;
};

void put_rules(Writer& w, const SpamRuleOptions& r) {
  for (double v : r.weights) w.put<double>(v);
  for (double v : r.group_caps) w.put<double>(v);
  for (std::size_t v : {r.short_text_chars, r.all_caps_min_letters, r.emoji_flood_count, r.lure_saturation,
                        r.near_duplicate_min, r.near_duplicate_saturation, r.flood_min_reports, r.flood_saturation,
                        r.rejected_min_judged}) {
    w.put<std::uint64_t>(v);
  }
  for (double v : {r.all_caps_share, r.emoji_flood_share, r.gibberish_share, r.low_entropy_bits, r.rejected_share}) {
    w.put<double>(v);
  }
}

SpamRuleOptions get_rules(Reader& rd) {
  SpamRuleOptions r;
  for (double& v : r.weights) v = rd.get<double>();
  for (double& v : r.group_caps) v = rd.get<double>();
  for (std::size_t* v : {&r.short_text_chars, &r.all_caps_min_letters, &r.emoji_flood_count, &r.lure_saturation,
                         &r.near_duplicate_min, &r.near_duplicate_saturation, &r.flood_min_reports, &r.flood_saturation,
                         &r.rejected_min_judged}) {
    *v = static_cast<std::size_t>(rd.get<std::uint64_t>());
  }
  for (double* v : {&r.all_caps_share, &r.emoji_flood_share, &r.gibberish_share, &r.low_entropy_bits, &r.rejected_share}) {
    *v = rd.get<double>();
  }
  return r;
}

double model_logit(const detail::SpamModelData& m, const NormalizedText& t, const SpamRuleResult& r) {
  return detail::logit_parts(m, t, r.strength).logit(m.bias);
}

}  // namespace

// ---- SpamModel ----

SpamModel::SpamModel() : data_(std::make_unique<detail::SpamModelData>()) {
  data_->reset(SpamFeatureOptions{});
  data_->lexicon_fingerprint = SpamLexicons::builtin().fingerprint();
}
SpamModel::SpamModel(const SpamModel& other) : data_(std::make_unique<detail::SpamModelData>(*other.data_)) {}
SpamModel& SpamModel::operator=(const SpamModel& other) {
  if (this != &other) data_ = std::make_unique<detail::SpamModelData>(*other.data_);
  return *this;
}
SpamModel::SpamModel(SpamModel&&) noexcept = default;
SpamModel& SpamModel::operator=(SpamModel&&) noexcept = default;
SpamModel::~SpamModel() = default;

const SpamFeatureOptions& SpamModel::features() const { return data_->features; }
const TextNormalizeOptions& SpamModel::text_options() const { return data_->text; }
const SpamRuleOptions& SpamModel::rule_options() const { return data_->rules; }
std::uint64_t SpamModel::lexicon_fingerprint() const { return data_->lexicon_fingerprint; }
const SpamLexicons& SpamModel::lexicons() const { return data_->lexicons; }
std::size_t SpamModel::updates() const { return static_cast<std::size_t>(data_->updates); }

SpamModel SpamModel::train(const std::vector<std::string>& texts, const std::vector<int>& labels,
                           const SpamTrainOptions& options) {
  options.validate();
  if (texts.size() != labels.size()) {
    throw Error(ErrorCode::kInvalidArgument, "SpamModel::train: " + std::to_string(texts.size()) + " texts but " +
                                                 std::to_string(labels.size()) + " labels");
  }
  std::size_t n_spam = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      throw Error(ErrorCode::kInvalidArgument, "SpamModel::train: label " + std::to_string(i) + " is " +
                                                   std::to_string(labels[i]) + ", expected 0 or 1");
    }
    n_spam += static_cast<std::size_t>(labels[i]);
  }
  const std::size_t n = texts.size();
  if (n_spam == 0 || n_spam == n) {
    throw Error(ErrorCode::kInvalidArgument, "SpamModel::train needs both spam and normal examples (got " +
                                                 std::to_string(n_spam) + " spam of " + std::to_string(n) + ")");
  }

  SpamModel model;
  detail::SpamModelData& m = *model.data_;
  m.reset(options.features);
  m.text = options.text;
  m.rules = options.rules;
  m.l2 = options.l2;
  m.lexicons = options.lexicons;
  const SpamLexicons& lex = m.lexicons;
  m.lexicon_fingerprint = lex.fingerprint();

  // Featurise once.
  TrainRows d;
  d.begin.reserve(n + 1);
  d.begin.push_back(0);
  d.n_word.reserve(n);
  d.rules.reserve(n * kSpamRuleCount);
  d.y.reserve(n), d.c.reserve(n);
  const double w_spam = options.spam_weight > 0 ? options.spam_weight : static_cast<double>(n) / (2.0 * static_cast<double>(n_spam));
  const double w_norm = options.normal_weight > 0 ? options.normal_weight : static_cast<double>(n) / (2.0 * static_cast<double>(n - n_spam));
  NormalizedText t;
  SpamRuleResult r;
  for (std::size_t i = 0; i < n; ++i) {
    normalize_text(texts[i], t, m.text, lex);
    evaluate_spam_rules(t, {}, m.rules, lex, false, r);
    std::uint32_t words = 0;
    detail::for_each_feature(t, nullptr, m.features,
                             [&](std::uint32_t idx, float v, detail::FeatureKind kind, std::uint32_t, std::uint32_t) {
                               if (kind == detail::FeatureKind::kWord) ++words;
                               d.entries.push_back(idx | (v < 0 ? kSignBit : 0u));
                             });
    d.begin.push_back(d.entries.size());
    d.n_word.push_back(words);
    for (int k = 0; k < kSpamRuleCount; ++k) {
      const bool use = m.features.rule_features && !is_context_rule(static_cast<SpamRule>(k));
      d.rules.push_back(use ? r.strength[static_cast<std::size_t>(k)] * detail::kRuleInputScale : 0.0f);
    }
    d.y.push_back(labels[i]);
    d.c.push_back(labels[i] ? w_spam : w_norm);
  }

  // Optimise over the buckets the data uses only (plus the rule inputs): unused buckets would stay
  // 0 anyway, and on small data the dense vector work of L-BFGS over all 2^bits would dominate.
  const std::size_t buckets = std::size_t{1} << m.features.hash_bits;
  std::vector<std::uint32_t> remap(buckets, UINT32_MAX);
  std::vector<std::uint32_t> used;
  for (std::uint32_t& e : d.entries) {
    const std::uint32_t idx = e & ~kSignBit;
    if (remap[idx] == UINT32_MAX) {
      remap[idx] = static_cast<std::uint32_t>(used.size());
      used.push_back(idx);
    }
    e = remap[idx] | (e & kSignBit);
  }
  // Document frequencies and smoothed IDF, as scikit-learn's TfidfVectorizer: ln((1+n)/(1+df)) + 1.
  {
    std::vector<std::uint32_t> df(used.size(), 0), last(used.size(), UINT32_MAX);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::uint64_t k = d.begin[i]; k < d.begin[i + 1]; ++k) {
        const std::uint32_t j = d.entries[k] & ~kSignBit;
        if (last[j] != i) {
          last[j] = static_cast<std::uint32_t>(i);
          ++df[j];
        }
      }
    }
    d.idf.resize(used.size());
    const double n1 = static_cast<double>(n) + 1.0;
    for (std::size_t j = 0; j < used.size(); ++j) d.idf[j] = static_cast<float>(std::log(n1 / (1.0 + df[j])) + 1.0);
    m.idf.assign(buckets, 0.0f);
    for (std::size_t j = 0; j < used.size(); ++j) m.idf[used[j]] = d.idf[j];
    m.idf_unseen = static_cast<float>(std::log(n1) + 1.0);
    d.word_scale.resize(n);
    d.char_scale.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      double sw = 0, sc = 0;
      const std::uint64_t mid = d.begin[i] + d.n_word[i];
      for (std::uint64_t k = d.begin[i]; k < d.begin[i + 1]; ++k) {
        const double v = d.idf[d.entries[k] & ~kSignBit];
        (k < mid ? sw : sc) += v * v;
      }
      d.word_scale[i] = sw > 0 ? static_cast<float>(1.0 / std::sqrt(sw)) : 0.0f;
      d.char_scale[i] = sc > 0 ? static_cast<float>(1.0 / std::sqrt(sc)) : 0.0f;
    }
  }
  const std::size_t dims = used.size() + kSpamRuleCount;
  std::size_t threads = options.threads > 0 ? static_cast<std::size_t>(options.threads)
                                            : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<std::size_t>(threads, 16);
  const Objective objective(d, dims, options.l2, threads);
  const Eigen::VectorXd x = minimise(objective, dims + 1, options.max_iterations, options.tolerance);
  for (std::size_t j = 0; j < used.size(); ++j) m.weights[used[j]] = static_cast<float>(x[static_cast<Eigen::Index>(j)]);
  for (int k = 0; k < kSpamRuleCount; ++k) {
    m.weights[buckets + static_cast<std::size_t>(k)] = static_cast<float>(x[static_cast<Eigen::Index>(used.size()) + k]);
  }
  m.bias = x[static_cast<Eigen::Index>(dims)];
  m.refresh();
  return model;
}

std::string SpamModel::to_bytes() const {
  const detail::SpamModelData& m = *data_;
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  w.put<std::uint32_t>(kFormatVersion);
  w.put<std::int32_t>(m.features.hash_bits);
  w.put<std::int32_t>(m.features.word_ngram_max);
  w.put<std::int32_t>(m.features.char_ngram_min);
  w.put<std::int32_t>(m.features.char_ngram_max);
  w.put<std::uint8_t>(m.features.rule_features);
  w.put<std::uint64_t>(m.text.max_bytes);
  w.put<std::uint8_t>(m.text.fold_leetspeak);
  w.put<std::uint8_t>(m.text.fold_repeats);
  w.put<std::uint8_t>(m.text.apply_slang);
  put_rules(w, m.rules);
  w.put<std::uint64_t>(m.lexicon_fingerprint);
  w.put<std::uint64_t>(m.updates);
  w.put<double>(m.l2);
  w.put<double>(m.bias);
  w.put<float>(m.idf_unseen);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(m.weights.size()));
  std::size_t at = w.out.size();
  w.out.resize(at + (m.weights.size() + m.idf.size()) * sizeof(float));
  std::memcpy(w.out.data() + at, m.weights.data(), m.weights.size() * sizeof(float));
  at += m.weights.size() * sizeof(float);
  std::memcpy(w.out.data() + at, m.idf.data(), m.idf.size() * sizeof(float));
  w.put<std::uint64_t>(checksum(w.out));
  return w.out;
}

SpamModel SpamModel::from_bytes(std::string_view bytes, const SpamLexicons& lexicons) {
  const std::string what = "spam model";
  if (bytes.size() < sizeof kMagic + 4 + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw Error(ErrorCode::kCorrupt, what + ": not a saring spam model (bad magic or too short)");
  }
  std::uint32_t version;
  std::memcpy(&version, bytes.data() + sizeof kMagic, 4);
  if (version != kFormatVersion) {
    throw Error(ErrorCode::kCorrupt, what + ": format version " + std::to_string(version) + ", this build reads " +
                                         std::to_string(kFormatVersion));
  }
  std::uint64_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (checksum(bytes.substr(0, bytes.size() - 8)) != stored) {
    throw Error(ErrorCode::kCorrupt, what + ": checksum mismatch (truncated or altered file)");
  }
  Reader rd(bytes.substr(0, bytes.size() - 8), what);
  rd.get<std::uint64_t>();  // magic
  rd.get<std::uint32_t>();  // version
  SpamModel model;
  detail::SpamModelData& m = *model.data_;
  SpamFeatureOptions f;
  f.hash_bits = rd.get<std::int32_t>();
  f.word_ngram_max = rd.get<std::int32_t>();
  f.char_ngram_min = rd.get<std::int32_t>();
  f.char_ngram_max = rd.get<std::int32_t>();
  f.rule_features = rd.get<std::uint8_t>() != 0;
  m.text.max_bytes = static_cast<std::size_t>(rd.get<std::uint64_t>());
  m.text.fold_leetspeak = rd.get<std::uint8_t>() != 0;
  m.text.fold_repeats = rd.get<std::uint8_t>() != 0;
  m.text.apply_slang = rd.get<std::uint8_t>() != 0;
  m.rules = get_rules(rd);
  try {
    f.validate();
    m.text.validate();
    m.rules.validate();
  } catch (const Error& e) {
    throw Error(ErrorCode::kCorrupt, what + ": stored options are invalid: " + e.what());
  }
  m.reset(f);
  m.lexicon_fingerprint = rd.get<std::uint64_t>();
  if (m.lexicon_fingerprint != lexicons.fingerprint()) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  ": trained with other spam word lists (fingerprint %016llx) than the ones given (%s, "
                  "fingerprint %016llx); load it with the lists it was trained with",
                  static_cast<unsigned long long>(m.lexicon_fingerprint),
                  lexicons.fingerprint() == SpamLexicons::builtin().fingerprint() ? "the built-in lists" : "custom lists",
                  static_cast<unsigned long long>(lexicons.fingerprint()));
    throw Error(ErrorCode::kInvalidArgument, what + buf);
  }
  m.lexicons = lexicons;
  m.updates = rd.get<std::uint64_t>();
  m.l2 = rd.get<double>();
  m.bias = rd.get<double>();
  m.idf_unseen = rd.get<float>();
  if (!(m.l2 >= 0 && m.l2 < 10)) throw Error(ErrorCode::kCorrupt, what + ": stored l2 out of range");
  if (!(m.idf_unseen >= 0 && m.idf_unseen < 100)) throw Error(ErrorCode::kCorrupt, what + ": stored IDF out of range");
  const std::uint32_t nw = rd.get<std::uint32_t>();
  if (nw != m.weights.size()) {
    throw Error(ErrorCode::kCorrupt, what + ": " + std::to_string(nw) + " weights stored, " +
                                         std::to_string(m.weights.size()) + " expected for hash_bits " + std::to_string(f.hash_bits));
  }
  const std::size_t need = rd.pos() + (static_cast<std::size_t>(nw) + m.idf.size()) * sizeof(float);
  if (bytes.size() - 8 != need) {
    throw Error(ErrorCode::kCorrupt, what + ": size " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(need + 8));
  }
  std::memcpy(m.weights.data(), bytes.data() + rd.pos(), static_cast<std::size_t>(nw) * sizeof(float));
  std::memcpy(m.idf.data(), bytes.data() + rd.pos() + static_cast<std::size_t>(nw) * sizeof(float), m.idf.size() * sizeof(float));
  check_finite_weights(m, what.c_str());
  for (float v : m.idf) {
    if (!(v >= 0 && v < 100)) throw Error(ErrorCode::kCorrupt, what + ": stored IDF out of range");
  }
  m.refresh();
  return model;
}

SpamModel SpamModel::load(const std::string& path, const SpamLexicons& lexicons) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot open spam model " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(ErrorCode::kIo, "cannot read spam model " + path);
  try {
    return from_bytes(ss.str(), lexicons);
  } catch (const Error& e) {
    throw Error(e.code(), path + ": " + e.what());
  }
}

void SpamModel::save(const std::string& path) const {
  const std::string bytes = to_bytes();
  // Write to a temporary name and rename, so a crash never leaves half a model under `path`.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(ErrorCode::kIo, "cannot write spam model " + tmp);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw Error(ErrorCode::kIo, "cannot write spam model " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error(ErrorCode::kIo, "cannot rename " + tmp + " to " + path);
}

double SpamModel::predict(std::string_view text) const {
  Scratch& s = scratch();
  const SpamLexicons& lex = data_->lexicons;
  normalize_text(text, s.text, data_->text, lex);
  evaluate_spam_rules(s.text, {}, data_->rules, lex, false, s.rules);
  return sigmoid(model_logit(*data_, s.text, s.rules));
}

void SpamModel::update(std::string_view text, bool spam, double learning_rate) {
  if (!(learning_rate > 0 && learning_rate <= 10)) {
    throw Error(ErrorCode::kInvalidArgument, "SpamModel::update: learning_rate must be in (0, 10]");
  }
  Scratch& s = scratch();
  detail::SpamModelData& m = *data_;
  const SpamLexicons& lex = m.lexicons;
  normalize_text(text, s.text, m.text, lex);
  evaluate_spam_rules(s.text, {}, m.rules, lex, false, s.rules);
  // n-grams never seen in training get an IDF now, so that moderators' labels can teach new words.
  const std::size_t buckets = m.buckets();
  detail::for_each_feature(s.text, nullptr, m.features, [&](std::uint32_t idx, float, detail::FeatureKind, std::uint32_t, std::uint32_t) {
    if (m.idf[idx] == 0.0f) {
      m.idf[idx] = m.idf_unseen;
      m.refresh(idx);
    }
  });
  const detail::LogitParts parts = detail::logit_parts(m, s.text, s.rules.strength);
  const double g = sigmoid(parts.logit(m.bias)) - (spam ? 1.0 : 0.0);
  const float ws = parts.word_norm2 > 0 ? 1.0f / std::sqrt(parts.word_norm2) : 0.0f;
  const float cs = parts.char_norm2 > 0 ? 1.0f / std::sqrt(parts.char_norm2) : 0.0f;
  float* w = m.weights.data();
  const float rate = static_cast<float>(learning_rate), l2 = static_cast<float>(m.l2), gf = static_cast<float>(g);
  detail::for_each_feature(s.text, &s.rules.strength, m.features,
                           [&](std::uint32_t idx, float v, detail::FeatureKind kind, std::uint32_t, std::uint32_t) {
                             float x = v;
                             if (kind != detail::FeatureKind::kRule) x *= m.idf[idx] * (kind == detail::FeatureKind::kWord ? ws : cs);
                             w[idx] -= rate * (gf * x + l2 * w[idx]);
                             if (idx < buckets) m.refresh(idx);
                           });
  m.bias -= learning_rate * g;
  ++m.updates;
}

// ---- scoring ----

namespace {

struct Contribution {
  detail::FeatureKind kind;
  std::uint32_t bucket, offset, length;
  float value;
};

void explain_ngrams(const detail::SpamModelData& m, const NormalizedText& t, const SpamRuleResult& r,
                    std::size_t top, std::vector<NgramContribution>& out) {
  thread_local std::vector<Contribution> items;
  thread_local std::string padded;
  items.clear();
  const detail::LogitParts parts = detail::logit_parts(m, t, r.strength);
  const float ws = parts.word_norm2 > 0 ? 1.0f / std::sqrt(parts.word_norm2) : 0.0f;
  const float cs = parts.char_norm2 > 0 ? 1.0f / std::sqrt(parts.char_norm2) : 0.0f;
  const std::uint32_t* packed = m.packed.data();
  detail::for_each_feature(t, &r.strength, m.features,
                           [&](std::uint32_t idx, float v, detail::FeatureKind kind, std::uint32_t off, std::uint32_t len) {
                             if (kind == detail::FeatureKind::kRule) return;
                             const float c = v * detail::SpamModelData::weight_of(packed[idx]) * (kind == detail::FeatureKind::kWord ? ws : cs);
                             if (c != 0.0f) items.push_back({kind, idx, off, len, c});
                           });
  padded.assign(" ").append(t.normalized).append(" ");
  auto text_of = [&](const Contribution& c) {
    return c.kind == detail::FeatureKind::kWord ? std::string_view(t.normalized).substr(c.offset, c.length)
                                                : std::string_view(padded).substr(c.offset, c.length);
  };
  // One total per distinct n-gram (an n-gram seen twice pushes twice). Equal n-grams share a
  // bucket, so grouping by (kind, bucket) and comparing text only inside a bucket is enough.
  std::sort(items.begin(), items.end(), [&](const Contribution& a, const Contribution& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.bucket < b.bucket;
  });
  std::size_t w_out = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (w_out > 0 && items[w_out - 1].kind == items[i].kind && items[w_out - 1].bucket == items[i].bucket &&
        text_of(items[w_out - 1]) == text_of(items[i])) {
      items[w_out - 1].value += items[i].value;
    } else {
      items[w_out++] = items[i];
    }
  }
  items.resize(w_out);
  const std::size_t k = std::min(top, items.size());
  std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(k), items.end(),
                    [](const Contribution& a, const Contribution& b) { return std::abs(a.value) > std::abs(b.value); });
  for (std::size_t i = 0; i < k; ++i) {
    std::string name(text_of(items[i]));
    if (items[i].kind == detail::FeatureKind::kChar) name = "'" + name + "'";
    out.push_back({std::move(name), items[i].value});
  }
}

}  // namespace

SpamScore score_spam(std::string_view text, const SpamContext& context, const SpamModel* model,
                     const SpamScoreOptions& options) {
  SpamScore score;
  Scratch& s = scratch();
  if (model == nullptr) {
    const SpamLexicons& lex = options.lexicons;
    normalize_text(text, s.text, options.text, lex);
    evaluate_spam_rules(s.text, context, options.rules, lex, true, s.rules);
    score.model_log_odds = options.base_log_odds + s.rules.text_log_odds;
  } else {
    // Text rules as the model was trained; context rules as configured for scoring.
    const detail::SpamModelData& m = model->data();
    SpamRuleOptions rules = m.rules;
    for (SpamRule r : {SpamRule::kNearDuplicateText, SpamRule::kReporterFlood, SpamRule::kReporterRejectedHistory}) {
      rules.weights[static_cast<std::size_t>(r)] = options.rules.weights[static_cast<std::size_t>(r)];
    }
    for (SpamRuleGroup g : {SpamRuleGroup::kRepetition, SpamRuleGroup::kReporter}) {
      rules.group_caps[static_cast<std::size_t>(g)] = options.rules.group_caps[static_cast<std::size_t>(g)];
    }
    rules.near_duplicate_min = options.rules.near_duplicate_min;
    rules.near_duplicate_saturation = options.rules.near_duplicate_saturation;
    rules.flood_min_reports = options.rules.flood_min_reports;
    rules.flood_saturation = options.rules.flood_saturation;
    rules.rejected_min_judged = options.rules.rejected_min_judged;
    rules.rejected_share = options.rules.rejected_share;
    normalize_text(text, s.text, m.text, m.lexicons);
    evaluate_spam_rules(s.text, context, rules, m.lexicons, true, s.rules);
    score.model_log_odds = model_logit(m, s.text, s.rules);
    score.model_used = true;
    if (options.top_ngrams > 0) explain_ngrams(m, s.text, s.rules, options.top_ngrams, score.ngrams);
  }
  score.context_log_odds = s.rules.context_log_odds;
  score.probability = sigmoid(score.model_log_odds + score.context_log_odds);
  score.rules = std::move(s.rules.hits);
  score.stats = s.text.stats;
  return score;
}

std::vector<Reason> SpamScore::reasons() const {
  std::vector<Reason> out;
  out.reserve(rules.size() + 1);
  char buf[64];
  for (const SpamRuleHit& h : rules) {
    std::snprintf(buf, sizeof buf, " [%s, %+.2f log-odds]", std::string(spam_rule_group_name(spam_rule_group(h.rule))).c_str(),
                  h.contribution);
    out.push_back({std::string(spam_rule_code(h.rule)), "spam", 1.0 - std::exp(-h.contribution), h.detail + buf});
  }
  if (model_used) {
    std::string detail;
    std::snprintf(buf, sizeof buf, "model P(spam)=%.3f", sigmoid(model_log_odds));
    detail = buf;
    if (!ngrams.empty()) {
      detail += "; n-grams:";
      for (std::size_t i = 0; i < ngrams.size(); ++i) {
        std::snprintf(buf, sizeof buf, " (%+.2f)", ngrams[i].log_odds);
        detail += (i ? ", " : " ") + ngrams[i].ngram + buf;
      }
    }
    out.push_back({"SPAM_MODEL", "spam", sigmoid(model_log_odds), std::move(detail)});
  }
  return out;
}

}  // namespace saring
