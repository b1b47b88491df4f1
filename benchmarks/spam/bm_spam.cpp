// Spam scoring speed: normalisation, rules, model scoring (with and without explanations) on
// short report-like texts, and training on 100,000 texts.
//
// Texts are synthesised by recombining word lists written for this benchmark (report phrases,
// promotion and scam phrases, slang), 6-16 words, 40-130 bytes: the length of real reports.
// Set SARING_SPAM_BENCH_CSV=path (with SARING_SPAM_BENCH_TEXT_COL / _LABEL_COL / _SPAM_LABELS) to
// recombine the words of a real labelled CSV instead.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <random>
#include <sstream>

#include "saring/spam/spam.hpp"

namespace {

using saring::LabeledTexts;

const std::vector<std::string> kNormalWords = {
    "jalan", "rusak", "parah", "di", "depan", "sekolah", "lubang", "besar", "sampah", "menumpuk", "pinggir",
    "kali", "dekat", "pasar", "sudah", "tiga", "hari", "tidak", "diangkut", "lampu", "mati", "gelap", "banjir",
    "setinggi", "lutut", "rumah", "warga", "pohon", "tumbang", "menutup", "saluran", "tersumbat", "trotoar",
    "parkir", "liar", "mohon", "segera", "ditangani", "tolong", "diperbaiki", "gang", "rt", "rw", "kelurahan",
    "kecamatan", "macet", "lalu", "lintas", "halte", "bus", "bocor", "got", "mampet", "bau", "nyamuk", "air",
    "pam", "mengalir", "jembatan", "retak", "kabel", "menjuntai", "tiang", "listrik", "miring", "yg", "gk", "bgt",
    "udh", "dr", "kemarin", "malam", "pagi", "sore", "motor", "jatuh", "anak", "taman", "kotor"};
const std::vector<std::string> kSpamWords = {
    "promo", "diskon", "gratis", "hadiah", "bonus", "klik", "bit.ly/promo", "wa.me/6281234567890", "0812-3456-7890",
    "Rp", "50.000", "100rb", "2jt", "transfer", "rekening", "undian", "pemenang", "SELAMAT!", "anda", "menang",
    "daftar", "sekarang", "slot", "gacor", "deposit", "pinjaman", "tanpa", "jaminan", "cair", "cepat", "murah",
    "order", "voucher", "cashback", "kuota", "pulsa", "hubungi", "admin", "investasi", "profit", "www.promo-murah.xyz",
    "h4diah", "gratiiis", "🔥", "terbatas", "stok", "beli", "1", "gratis", "hari", "ini", "saja"};

std::vector<std::string> words_from_csv(const char* path, std::vector<int>& labels_out, LabeledTexts& data) {
  const char* tc = std::getenv("SARING_SPAM_BENCH_TEXT_COL");
  const char* lc = std::getenv("SARING_SPAM_BENCH_LABEL_COL");
  const char* sl = std::getenv("SARING_SPAM_BENCH_SPAM_LABELS");
  std::vector<std::string> spam_labels;
  if (sl != nullptr) {
    std::stringstream ss(sl);
    std::string item;
    while (std::getline(ss, item, ',')) spam_labels.push_back(item);
  }
  data = saring::labeled_texts_from_csv(saring::read_csv_file(path), tc ? tc : "text", lc ? lc : "label", spam_labels);
  labels_out = data.labels;
  return data.texts;
}

// n texts, half spam: each a random 6-16 word recombination of its class's words.
LabeledTexts synthesise(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> normal_words = kNormalWords, spam_words = kSpamWords;
  if (const char* csv = std::getenv("SARING_SPAM_BENCH_CSV")) {
    std::vector<int> labels;
    LabeledTexts real;
    const auto texts = words_from_csv(csv, labels, real);
    normal_words.clear(), spam_words.clear();
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::istringstream ss(texts[i]);
      std::string w;
      while (ss >> w) (labels[i] ? spam_words : normal_words).push_back(w);
    }
  }
  LabeledTexts out;
  out.texts.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int label = static_cast<int>(i % 2);
    // Some overlap between the classes, as real data has: a few words from the other list.
    const auto& own = label ? spam_words : normal_words;
    const auto& other = label ? normal_words : spam_words;
    const std::size_t len = 6 + rng() % 11;
    std::string t;
    for (std::size_t k = 0; k < len; ++k) {
      const auto& list = (rng() % 10 == 0) ? other : own;
      if (!t.empty()) t.push_back(' ');
      t += list[rng() % list.size()];
    }
    out.texts.push_back(std::move(t));
    out.labels.push_back(label);
  }
  return out;
}

// A model trained on 20,000 synthetic texts with 2^hash_bits buckets (cached per size).
const saring::SpamModel& bench_model(int hash_bits = saring::SpamFeatureOptions{}.hash_bits) {
  static std::map<int, saring::SpamModel> models;
  auto it = models.find(hash_bits);
  if (it == models.end()) {
    const LabeledTexts d = synthesise(20000, 1);
    saring::SpamTrainOptions o;
    o.features.hash_bits = hash_bits;
    it = models.emplace(hash_bits, saring::SpamModel::train(d.texts, d.labels, o)).first;
  }
  return it->second;
}

const LabeledTexts& score_texts() {
  static const LabeledTexts d = synthesise(10000, 2);
  return d;
}

void set_bytes(benchmark::State& state, const LabeledTexts& d) {
  std::size_t bytes = 0;
  for (const auto& t : d.texts) bytes += t.size();
  state.counters["avg_bytes"] = static_cast<double>(bytes) / static_cast<double>(d.texts.size());
}

void BM_SpamNormalize(benchmark::State& state) {
  const LabeledTexts& d = score_texts();
  saring::NormalizedText out;
  std::size_t i = 0;
  for (auto _ : state) {
    saring::normalize_text(d.texts[i], out);
    benchmark::DoNotOptimize(out.tokens.data());
    if (++i == d.texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  set_bytes(state, d);
}
BENCHMARK(BM_SpamNormalize);

void BM_SpamRules(benchmark::State& state) {
  const LabeledTexts& d = score_texts();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(saring::score_spam(d.texts[i]).probability);
    if (++i == d.texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpamRules);

// The model's P(spam) for a text: normalise + rules + hashed TF-IDF dot product, by table size.
void BM_SpamPredict(benchmark::State& state) {
  const saring::SpamModel& m = bench_model(static_cast<int>(state.range(0)));
  const LabeledTexts& d = score_texts();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.predict(d.texts[i]));
    if (++i == d.texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  set_bytes(state, d);
}
BENCHMARK(BM_SpamPredict)->ArgName("hash_bits")->Arg(16)->Arg(18)->Arg(20);

// The full score: rules with details, model, context, probability; top n-grams when range(0) > 0.
void BM_SpamScore(benchmark::State& state) {
  const saring::SpamModel& m = bench_model();
  const LabeledTexts& d = score_texts();
  saring::SpamScoreOptions o;
  o.top_ngrams = static_cast<std::size_t>(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    const saring::SpamScore s = saring::score_spam(d.texts[i], {}, &m, o);
    benchmark::DoNotOptimize(s.probability);
    if (++i == d.texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  set_bytes(state, d);
}
BENCHMARK(BM_SpamScore)->Arg(0)->Arg(5);

void BM_SpamTrain(benchmark::State& state) {
  const LabeledTexts d = synthesise(static_cast<std::size_t>(state.range(0)), 3);
  for (auto _ : state) {
    const saring::SpamModel m = saring::SpamModel::train(d.texts, d.labels);
    benchmark::DoNotOptimize(m.updates());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  set_bytes(state, d);
}
BENCHMARK(BM_SpamTrain)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1)->MeasureProcessCPUTime();

void BM_SpamNearDuplicateQuery(benchmark::State& state) {
  const LabeledTexts d = synthesise(static_cast<std::size_t>(state.range(0)), 4);
  saring::NearDuplicateTextIndex index;
  std::vector<saring::Hash64> hashes;
  for (std::size_t i = 0; i < d.texts.size(); ++i) {
    if (auto h = saring::text_simhash(saring::normalize_text(d.texts[i]).normalized)) {
      index.add(std::to_string(i), *h, static_cast<saring::UnixSeconds>(i));
      hashes.push_back(*h);
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.count_near(hashes[i]));
    if (++i == hashes.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpamNearDuplicateQuery)->Arg(10000)->Arg(100000);

}  // namespace
