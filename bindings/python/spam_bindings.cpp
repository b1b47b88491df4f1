// Spam scoring: normalisation, rules, the model (train / score / update / save / load), the
// near-duplicate index and the reporter state. Long calls (training, batch scoring) release the GIL.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "saring/core/error.hpp"
#include "saring/spam/spam.hpp"

namespace py = pybind11;

namespace saring::python {

namespace {

py::dict score_to_dict(const SpamScore& s) {
  py::dict d;
  d["probability"] = s.probability;
  d["model_log_odds"] = s.model_log_odds;
  d["context_log_odds"] = s.context_log_odds;
  d["model_used"] = s.model_used;
  py::list rules;
  for (const SpamRuleHit& h : s.rules) {
    py::dict r;
    r["code"] = std::string(spam_rule_code(h.rule));
    r["group"] = std::string(spam_rule_group_name(spam_rule_group(h.rule)));
    r["strength"] = h.strength;
    r["contribution"] = h.contribution;
    r["detail"] = h.detail;
    rules.append(r);
  }
  d["rules"] = rules;
  py::list ngrams;
  for (const NgramContribution& n : s.ngrams) ngrams.append(py::make_tuple(n.ngram, n.log_odds));
  d["ngrams"] = ngrams;
  d["reasons"] = s.reasons();
  d["truncated"] = s.stats.truncated;
  d["invalid_utf8"] = s.stats.invalid_utf8;
  return d;
}

SpamContext make_context(std::size_t near_duplicates, std::size_t reporter_recent, std::size_t reporter_judged,
                         std::size_t reporter_rejected) {
  SpamContext c;
  c.near_duplicates = near_duplicates;
  c.reporter_recent = reporter_recent;
  c.reporter_judged = reporter_judged;
  c.reporter_rejected = reporter_rejected;
  return c;
}

// Python str arrives as UTF-8; bytes pass through unchanged (so invalid UTF-8 can be scored).
std::string as_text(const py::handle& h) {
  if (py::isinstance<py::bytes>(h)) return h.cast<std::string>();
  return h.cast<std::string>();
}

// None = the built-in lists.
const SpamLexicons& lexicons_or_builtin(const SpamLexicons* lexicons) {
  return lexicons != nullptr ? *lexicons : SpamLexicons::builtin();
}

py::dict rule_weights_dict(const SpamRuleOptions& o) {
  py::dict d;
  for (int r = 0; r < kSpamRuleCount; ++r) {
    d[py::str(std::string(spam_rule_code(static_cast<SpamRule>(r))))] = o.weights[static_cast<std::size_t>(r)];
  }
  return d;
}

py::dict group_caps_dict(const SpamRuleOptions& o) {
  py::dict d;
  for (int g = 0; g < kSpamRuleGroupCount; ++g) {
    d[py::str(std::string(spam_rule_group_name(static_cast<SpamRuleGroup>(g))))] = o.group_caps[static_cast<std::size_t>(g)];
  }
  return d;
}

// Sets the weights named in `d` (rule code -> log-odds); the others keep their value.
void set_rule_weights(SpamRuleOptions& o, const py::dict& d) {
  for (const auto& [k, v] : d) {
    const std::string code = py::cast<std::string>(k);
    const std::optional<SpamRule> r = parse_spam_rule_code(code);
    if (!r) throw Error(ErrorCode::kInvalidArgument, "SpamRuleOptions.weights: unknown rule code '" + code + "'");
    o.weights[static_cast<std::size_t>(*r)] = py::cast<double>(v);
  }
}

// Sets the caps named in `d` (group name -> log-odds); the others keep their value.
void set_group_caps(SpamRuleOptions& o, const py::dict& d) {
  for (const auto& [k, v] : d) {
    const std::string name = py::cast<std::string>(k);
    int found = -1;
    for (int g = 0; g < kSpamRuleGroupCount; ++g) {
      if (spam_rule_group_name(static_cast<SpamRuleGroup>(g)) == name) found = g;
    }
    if (found < 0) throw Error(ErrorCode::kInvalidArgument, "SpamRuleOptions.group_caps: unknown group '" + name + "'");
    o.group_caps[static_cast<std::size_t>(found)] = py::cast<double>(v);
  }
}

}  // namespace

void register_spam(py::module_& m) {
  // The word lists (data/spam/ formats). Built-in, empty, or a user's own; see docs/spam.md.
  py::class_<SpamLexicons>(m, "SpamLexicons")
      .def_static("builtin", []() { return SpamLexicons::builtin(); }, "The lists saring ships (data/spam/).")
      .def_static("empty", []() { return SpamLexicons::empty(); }, "No lists: nothing is folded or flagged.")
      .def_static("from_text", &SpamLexicons::from_text, py::arg("slang_tsv"), py::arg("promo"), py::arg("money"),
                  py::arg("abuse"),
                  "Lists from text: 'informal<TAB>standard' lines, and one term (one or two words) a line;\n"
                  "'#' starts a comment. saring.Error (code 'parse') names the list and line of a bad line.")
      .def_static("load_dir", &SpamLexicons::load_dir, py::arg("dir"),
                  "slang_id.tsv, promo_id.txt, money_id.txt and abuse_id.txt from a directory (saring.IoError if\n"
                  "one is missing).")
      .def("slang", [](const SpamLexicons& l, const std::string& token) -> std::optional<std::string> {
             const auto s = l.slang(token);
             if (!s) return std::nullopt;
             return std::string(*s);
           }, py::arg("token"), "Standard form of an informal token, or None.")
      .def("is_promo", [](const SpamLexicons& l, const std::string& t) { return (l.flags(t) & SpamLexicons::kPromo) != 0; },
           py::arg("term"))
      .def("is_money", [](const SpamLexicons& l, const std::string& t) { return (l.flags(t) & SpamLexicons::kMoney) != 0; },
           py::arg("term"))
      .def("is_abuse", [](const SpamLexicons& l, const std::string& t) { return (l.flags(t) & SpamLexicons::kAbuse) != 0; },
           py::arg("term"))
      .def_property_readonly("slang_size", &SpamLexicons::slang_size)
      .def_property_readonly("term_size", &SpamLexicons::term_size)
      .def_property_readonly("fingerprint", &SpamLexicons::fingerprint,
                             "64-bit fingerprint of the contents; a model file records its lists' fingerprint.");

  py::class_<TextNormalizeOptions>(m, "TextNormalizeOptions")
      .def(py::init([](std::size_t max_bytes, bool fold_leetspeak, bool fold_repeats, bool apply_slang) {
             TextNormalizeOptions o;
             o.max_bytes = max_bytes;
             o.fold_leetspeak = fold_leetspeak;
             o.fold_repeats = fold_repeats;
             o.apply_slang = apply_slang;
             o.validate();
             return o;
           }),
           py::arg("max_bytes") = TextNormalizeOptions{}.max_bytes,
           py::arg("fold_leetspeak") = TextNormalizeOptions{}.fold_leetspeak,
           py::arg("fold_repeats") = TextNormalizeOptions{}.fold_repeats,
           py::arg("apply_slang") = TextNormalizeOptions{}.apply_slang)
      .def_readwrite("max_bytes", &TextNormalizeOptions::max_bytes)
      .def_readwrite("fold_leetspeak", &TextNormalizeOptions::fold_leetspeak)
      .def_readwrite("fold_repeats", &TextNormalizeOptions::fold_repeats)
      .def_readwrite("apply_slang", &TextNormalizeOptions::apply_slang)
      .def("validate", &TextNormalizeOptions::validate);

  py::class_<SpamRuleOptions>(m, "SpamRuleOptions")
      .def(py::init<>())
      .def_property(
          "weights", [](const SpamRuleOptions& o) { return rule_weights_dict(o); },
          [](SpamRuleOptions& o, const py::dict& d) { set_rule_weights(o, d); },
          "Rule code -> weight in log-odds. Assigning a dict sets the rules it names (a copy is returned on read).")
      .def_property(
          "group_caps", [](const SpamRuleOptions& o) { return group_caps_dict(o); },
          [](SpamRuleOptions& o, const py::dict& d) { set_group_caps(o, d); },
          "Group name -> cap on the group's summed contribution. Assigning a dict sets the groups it names.")
      .def_readwrite("short_text_chars", &SpamRuleOptions::short_text_chars)
      .def_readwrite("all_caps_min_letters", &SpamRuleOptions::all_caps_min_letters)
      .def_readwrite("all_caps_share", &SpamRuleOptions::all_caps_share)
      .def_readwrite("emoji_flood_count", &SpamRuleOptions::emoji_flood_count)
      .def_readwrite("emoji_flood_share", &SpamRuleOptions::emoji_flood_share)
      .def_readwrite("lure_saturation", &SpamRuleOptions::lure_saturation)
      .def_readwrite("gibberish_share", &SpamRuleOptions::gibberish_share)
      .def_readwrite("low_entropy_bits", &SpamRuleOptions::low_entropy_bits)
      .def_readwrite("near_duplicate_min", &SpamRuleOptions::near_duplicate_min)
      .def_readwrite("near_duplicate_saturation", &SpamRuleOptions::near_duplicate_saturation)
      .def_readwrite("flood_min_reports", &SpamRuleOptions::flood_min_reports)
      .def_readwrite("flood_saturation", &SpamRuleOptions::flood_saturation)
      .def_readwrite("rejected_min_judged", &SpamRuleOptions::rejected_min_judged)
      .def_readwrite("rejected_share", &SpamRuleOptions::rejected_share)
      .def("validate", &SpamRuleOptions::validate);

  py::class_<TextStats>(m, "TextStats")
      .def_readonly("input_bytes", &TextStats::input_bytes)
      .def_readonly("invalid_utf8", &TextStats::invalid_utf8)
      .def_readonly("control_chars", &TextStats::control_chars)
      .def_readonly("codepoints", &TextStats::codepoints)
      .def_readonly("letters", &TextStats::letters)
      .def_readonly("upper_letters", &TextStats::upper_letters)
      .def_readonly("digits", &TextStats::digits)
      .def_readonly("emoji", &TextStats::emoji)
      .def_readonly("stretched_runs", &TextStats::stretched_runs)
      .def_readonly("leet_folds", &TextStats::leet_folds)
      .def_readonly("slang_folds", &TextStats::slang_folds)
      .def_readonly("truncated", &TextStats::truncated);

  py::class_<NormalizedText>(m, "NormalizedText")
      .def_readonly("folded", &NormalizedText::folded)
      .def_readonly("normalized", &NormalizedText::normalized)
      .def_readonly("stats", &NormalizedText::stats)
      .def_property_readonly("tokens", [](const NormalizedText& t) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < t.tokens.size(); ++i) out.emplace_back(t.token(i));
        return out;
      });

  m.def(
      "normalize_text",
      [](const py::object& text, std::size_t max_bytes, const SpamLexicons* lexicons) {
        TextNormalizeOptions o;
        o.max_bytes = max_bytes;
        return normalize_text(as_text(text), o, lexicons_or_builtin(lexicons));
      },
      py::arg("text"), py::arg("max_bytes") = TextNormalizeOptions{}.max_bytes, py::arg("lexicons") = nullptr,
      "Validate UTF-8, cut, NFKC + case fold, fold leetspeak, stretched letters and slang; str or bytes.");

  m.def(
      "spam_rules",
      [](const py::object& text, std::size_t near_duplicates, std::size_t reporter_recent, std::size_t reporter_judged,
         std::size_t reporter_rejected, const SpamLexicons* lexicons, const SpamRuleOptions* rule_options) {
        const SpamLexicons& lex = lexicons_or_builtin(lexicons);
        const NormalizedText t = normalize_text(as_text(text), {}, lex);
        const SpamRuleResult r = evaluate_spam_rules(
            t, make_context(near_duplicates, reporter_recent, reporter_judged, reporter_rejected),
            rule_options != nullptr ? *rule_options : SpamRuleOptions{}, lex);
        py::list out;
        for (const auto& h : r.hits) {
          out.append(py::make_tuple(std::string(spam_rule_code(h.rule)), h.strength, h.contribution, h.detail));
        }
        return out;
      },
      py::arg("text"), py::arg("near_duplicates") = 0, py::arg("reporter_recent") = 0, py::arg("reporter_judged") = 0,
      py::arg("reporter_rejected") = 0, py::arg("lexicons") = nullptr, py::arg("rule_options") = nullptr,
      "Fired rules as (code, strength, contribution, detail) tuples.");

  m.def("spam_rule_codes", []() {
    std::vector<std::string> out;
    for (int r = 0; r < kSpamRuleCount; ++r) out.emplace_back(spam_rule_code(static_cast<SpamRule>(r)));
    return out;
  });

  py::class_<SpamModel>(m, "SpamModel")
      .def(py::init<>())
      .def_static(
          "train",
          [](const std::vector<std::string>& texts, const std::vector<int>& labels, int hash_bits, double l2,
             int max_iterations, int word_ngram_max, int char_ngram_min, int char_ngram_max, bool rule_features,
             double spam_weight, double normal_weight, const TextNormalizeOptions* text_options,
             const SpamRuleOptions* rule_options, int threads, const SpamLexicons* lexicons) {
            SpamTrainOptions o;
            if (text_options != nullptr) o.text = *text_options;
            if (rule_options != nullptr) o.rules = *rule_options;
            o.threads = threads;
            o.lexicons = lexicons_or_builtin(lexicons);
            o.spam_weight = spam_weight;
            o.normal_weight = normal_weight;
            o.features.hash_bits = hash_bits;
            o.features.word_ngram_max = word_ngram_max;
            o.features.char_ngram_min = char_ngram_min;
            o.features.char_ngram_max = char_ngram_max;
            o.features.rule_features = rule_features;
            o.l2 = l2;
            o.max_iterations = max_iterations;
            py::gil_scoped_release release;
            return SpamModel::train(texts, labels, o);
          },
          py::arg("texts"), py::arg("labels"), py::arg("hash_bits") = SpamFeatureOptions{}.hash_bits,
          py::arg("l2") = SpamTrainOptions{}.l2, py::arg("max_iterations") = SpamTrainOptions{}.max_iterations,
          py::arg("word_ngram_max") = SpamFeatureOptions{}.word_ngram_max,
          py::arg("char_ngram_min") = SpamFeatureOptions{}.char_ngram_min,
          py::arg("char_ngram_max") = SpamFeatureOptions{}.char_ngram_max,
          py::arg("rule_features") = SpamFeatureOptions{}.rule_features,
          py::arg("spam_weight") = SpamTrainOptions{}.spam_weight,
          py::arg("normal_weight") = SpamTrainOptions{}.normal_weight, py::arg("text_options") = nullptr,
          py::arg("rule_options") = nullptr, py::arg("threads") = SpamTrainOptions{}.threads, py::arg("lexicons") = nullptr,
          "Train on texts with labels 1 = spam, 0 = not. Class weights: 0 = balanced (n / (2 n_class)).\n"
          "text_options/rule_options: TextNormalizeOptions/SpamRuleOptions (stored in the model); threads: 0 = one\n"
          "per core;\n"
          "lexicons: SpamLexicons (None = built-in), whose fingerprint the model file records.")
      .def_static(
          "load",
          [](const std::string& path, const SpamLexicons* lexicons) { return SpamModel::load(path, lexicons_or_builtin(lexicons)); },
          py::arg("path"), py::arg("lexicons") = nullptr,
          "A model file; lexicons: the lists it was trained with (None = built-in). Other lists: saring.Error\n"
          "with code 'invalid_argument'.")
      .def_static(
          "from_bytes",
          [](const py::bytes& b, const SpamLexicons* lexicons) {
            return SpamModel::from_bytes(std::string(b), lexicons_or_builtin(lexicons));
          },
          py::arg("data"), py::arg("lexicons") = nullptr)
      .def("to_bytes", [](const SpamModel& s) { return py::bytes(s.to_bytes()); })
      .def("save", &SpamModel::save, py::arg("path"))
      .def("predict", [](const SpamModel& s, const py::object& text) { return s.predict(as_text(text)); }, py::arg("text"),
           "P(spam) from the model alone.")
      .def(
          "predict_many",
          [](const SpamModel& s, const std::vector<std::string>& texts) {
            py::gil_scoped_release release;
            std::vector<double> out;
            out.reserve(texts.size());
            for (const auto& t : texts) out.push_back(s.predict(t));
            return out;
          },
          py::arg("texts"))
      .def("update", [](SpamModel& s, const py::object& text, bool spam, double rate) { s.update(as_text(text), spam, rate); },
           py::arg("text"), py::arg("spam"), py::arg("learning_rate") = 0.05, "One SGD step on a moderator's label.")
      .def_property_readonly("hash_bits", [](const SpamModel& s) { return s.features().hash_bits; })
      .def_property_readonly("lexicon_fingerprint", &SpamModel::lexicon_fingerprint)
      .def_property_readonly("lexicons", [](const SpamModel& s) { return s.lexicons(); })
      .def_property_readonly("text_options", [](const SpamModel& s) { return s.text_options(); })
      .def_property_readonly("rule_options", [](const SpamModel& s) { return s.rule_options(); })
      .def_property_readonly("updates", &SpamModel::updates);

  m.def(
      "score_spam",
      [](const py::object& text, const SpamModel* model, std::size_t near_duplicates, std::size_t reporter_recent,
         std::size_t reporter_judged, std::size_t reporter_rejected, std::size_t top_ngrams, const SpamLexicons* lexicons,
         const TextNormalizeOptions* text_options, const SpamRuleOptions* rule_options) {
        SpamScoreOptions o;
        o.top_ngrams = top_ngrams;
        o.lexicons = lexicons_or_builtin(lexicons);
        if (text_options != nullptr) o.text = *text_options;
        if (rule_options != nullptr) o.rules = *rule_options;
        o.validate();
        return score_to_dict(score_spam(as_text(text),
                                        make_context(near_duplicates, reporter_recent, reporter_judged, reporter_rejected),
                                        model, o));
      },
      py::arg("text"), py::arg("model") = nullptr, py::arg("near_duplicates") = 0, py::arg("reporter_recent") = 0,
      py::arg("reporter_judged") = 0, py::arg("reporter_rejected") = 0, py::arg("top_ngrams") = 5,
      py::arg("lexicons") = nullptr, py::arg("text_options") = nullptr, py::arg("rule_options") = nullptr,
      "Score one text: dict with probability, rules, ngrams and reasons (saring.Reason list).\n"
      "Without a model, lexicons/text_options/rule_options set the lists, normalisation and rules (None =\n"
      "defaults); with a model, its own lists, normalisation and text rules apply and rule_options sets only the\n"
      "context rules (near-duplicate, flood, rejected history).");

  m.def(
      "text_simhash",
      [](const py::object& text) -> std::optional<Hash64> {
        return text_simhash(normalize_text(as_text(text)).normalized);
      },
      py::arg("text"), "SimHash of the normalised text (None if shorter than 20 characters).");

  py::class_<NearDuplicateTextIndex>(m, "NearDuplicateTextIndex")
      .def(py::init([](int max_distance) {
             NearDuplicateOptions o;
             o.max_distance = max_distance;
             return NearDuplicateTextIndex(o);
           }),
           py::arg("max_distance") = NearDuplicateOptions{}.max_distance)
      .def("add", &NearDuplicateTextIndex::add, py::arg("id"), py::arg("hash"), py::arg("time") = 0)
      .def("count_near", &NearDuplicateTextIndex::count_near, py::arg("hash"), py::arg("since") = INT64_MIN)
      .def("find_near", &NearDuplicateTextIndex::find_near, py::arg("hash"), py::arg("since") = INT64_MIN,
           py::arg("limit") = 10)
      .def("remove_older_than", &NearDuplicateTextIndex::remove_older_than, py::arg("time"))
      .def("__len__", &NearDuplicateTextIndex::size);

  py::class_<ReporterState>(m, "ReporterState")
      .def(py::init([](std::int64_t window) {
             ReporterStateOptions o;
             o.flood_window_seconds = window;
             return std::make_unique<ReporterState>(o);
           }),
           py::arg("flood_window_seconds") = ReporterStateOptions{}.flood_window_seconds)
      .def("record_report", &ReporterState::record_report, py::arg("reporter"), py::arg("time"))
      .def("record_moderation", &ReporterState::record_moderation, py::arg("reporter"), py::arg("rejected"))
      .def("activity",
           [](const ReporterState& s, const std::string& reporter, std::int64_t time) {
             const ReporterActivity a = s.activity(reporter, time);
             return py::make_tuple(a.recent_reports, a.judged, a.rejected);
           },
           py::arg("reporter"), py::arg("time"), "(recent_reports, judged, rejected)")
      .def("serialize", [](const ReporterState& s) { return py::bytes(s.serialize()); })
      .def_static(
          "deserialize",
          [](const py::bytes& data, std::int64_t window) {
            ReporterStateOptions o;
            o.flood_window_seconds = window;
            return std::make_unique<ReporterState>(ReporterState::deserialize(std::string(data), o));
          },
          py::arg("data"), py::arg("flood_window_seconds") = ReporterStateOptions{}.flood_window_seconds,
          "The state serialize() wrote (saring.Error with code 'corrupt' when it is damaged).")
      .def("prune", &ReporterState::prune, py::arg("time"), "Forget send times older than time - window.")
      .def("__len__", &ReporterState::reporters);

  m.def(
      "read_labeled_csv",
      [](const std::string& path, const std::string& text_col, const std::string& label_col,
         const std::vector<std::string>& spam_labels, const std::optional<std::string>& delimiter) {
        CsvOptions o;
        if (delimiter) {
          if (delimiter->size() != 1)
            throw Error(ErrorCode::kInvalidArgument, "delimiter must be one character, got '" + *delimiter + "'");
          o.delimiter = (*delimiter)[0];
        }
        const LabeledTexts d = labeled_texts_from_csv(read_csv_file(path, o), text_col, label_col, spam_labels);
        return py::make_tuple(d.texts, d.labels);
      },
      py::arg("path"), py::arg("text_col"), py::arg("label_col"), py::arg("spam_labels") = std::vector<std::string>{},
      py::arg("delimiter") = py::none(),
      "(texts, labels) from a labelled CSV (RFC 4180), as `saring spam train --data`; delimiter: one character\n"
      "(None: comma).");
  m.def(
      "parse_csv",
      [](const std::string& data) {
        const CsvTable t = parse_csv(data);
        return py::make_tuple(t.header, t.rows);
      },
      py::arg("data"));
  m.def("roc_auc", &roc_auc, py::arg("labels"), py::arg("scores"));
  // What `saring spam eval` prints: the metrics at a threshold, and k-fold cross-validation.
  m.def(
      "binary_metrics",
      [](const std::vector<int>& labels, const std::vector<double>& scores, double threshold) {
        const BinaryMetrics b = binary_metrics(labels, scores, threshold);
        py::dict d;
        d["roc_auc"] = b.roc_auc;
        d["precision"] = b.precision;
        d["recall"] = b.recall;
        d["f1"] = b.f1;
        d["accuracy"] = b.accuracy;
        d["positives"] = b.positives;
        d["negatives"] = b.negatives;
        d["true_positives"] = b.true_positives;
        d["false_positives"] = b.false_positives;
        return d;
      },
      py::arg("labels"), py::arg("scores"), py::arg("threshold") = 0.5,
      "ROC-AUC, and precision/recall/F1/accuracy at `threshold` (labels 1 = spam), as `saring spam eval`.");
  m.def(
      "cross_validate_spam",
      [](const std::vector<std::string>& texts, const std::vector<int>& labels, int folds, int hash_bits, double l2,
         int max_iterations, std::uint64_t seed, double spam_weight, double normal_weight, const SpamLexicons* lexicons) {
        SpamTrainOptions o;
        o.lexicons = lexicons_or_builtin(lexicons);
        o.spam_weight = spam_weight;
        o.normal_weight = normal_weight;
        o.features.hash_bits = hash_bits;
        o.l2 = l2;
        o.max_iterations = max_iterations;
        LabeledTexts data{texts, labels};
        py::gil_scoped_release release;
        return cross_validate_spam(data, folds, o, seed);
      },
      py::arg("texts"), py::arg("labels"), py::arg("folds") = 5, py::arg("hash_bits") = SpamFeatureOptions{}.hash_bits,
      py::arg("l2") = SpamTrainOptions{}.l2, py::arg("max_iterations") = SpamTrainOptions{}.max_iterations,
      py::arg("seed") = 1, py::arg("spam_weight") = SpamTrainOptions{}.spam_weight,
      py::arg("normal_weight") = SpamTrainOptions{}.normal_weight, py::arg("lexicons") = nullptr,
      "Out-of-fold P(spam) of every text by stratified k-fold training, as `saring spam eval --cv K`.");
}

}  // namespace saring::python
