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

}  // namespace

void register_spam(py::module_& m) {
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
      [](const py::object& text, std::size_t max_bytes) {
        TextNormalizeOptions o;
        o.max_bytes = max_bytes;
        return normalize_text(as_text(text), o);
      },
      py::arg("text"), py::arg("max_bytes") = TextNormalizeOptions{}.max_bytes,
      "Validate UTF-8, cut, NFKC + case fold, fold leetspeak, stretched letters and slang; str or bytes.");

  m.def(
      "spam_rules",
      [](const py::object& text, std::size_t near_duplicates, std::size_t reporter_recent, std::size_t reporter_judged,
         std::size_t reporter_rejected) {
        const NormalizedText t = normalize_text(as_text(text));
        const SpamRuleResult r = evaluate_spam_rules(
            t, make_context(near_duplicates, reporter_recent, reporter_judged, reporter_rejected), SpamRuleOptions{});
        py::list out;
        for (const auto& h : r.hits) {
          out.append(py::make_tuple(std::string(spam_rule_code(h.rule)), h.strength, h.contribution, h.detail));
        }
        return out;
      },
      py::arg("text"), py::arg("near_duplicates") = 0, py::arg("reporter_recent") = 0, py::arg("reporter_judged") = 0,
      py::arg("reporter_rejected") = 0, "Fired rules as (code, strength, contribution, detail) tuples.");

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
             double spam_weight, double normal_weight) {
            SpamTrainOptions o;
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
          py::arg("normal_weight") = SpamTrainOptions{}.normal_weight,
          "Train on texts with labels 1 = spam, 0 = not. Class weights: 0 = balanced (n / (2 n_class)).")
      .def_static("load", &SpamModel::load, py::arg("path"))
      .def_static("from_bytes", [](const py::bytes& b) { return SpamModel::from_bytes(std::string(b)); }, py::arg("data"))
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
      .def_property_readonly("updates", &SpamModel::updates);

  m.def(
      "score_spam",
      [](const py::object& text, const SpamModel* model, std::size_t near_duplicates, std::size_t reporter_recent,
         std::size_t reporter_judged, std::size_t reporter_rejected, std::size_t top_ngrams) {
        SpamScoreOptions o;
        o.top_ngrams = top_ngrams;
        return score_to_dict(score_spam(as_text(text),
                                        make_context(near_duplicates, reporter_recent, reporter_judged, reporter_rejected),
                                        model, o));
      },
      py::arg("text"), py::arg("model") = nullptr, py::arg("near_duplicates") = 0, py::arg("reporter_recent") = 0,
      py::arg("reporter_judged") = 0, py::arg("reporter_rejected") = 0, py::arg("top_ngrams") = 5,
      "Score one text: dict with probability, rules, ngrams and reasons (saring.Reason list).");

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
         int max_iterations, std::uint64_t seed, double spam_weight, double normal_weight) {
        SpamTrainOptions o;
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
      py::arg("normal_weight") = SpamTrainOptions{}.normal_weight,
      "Out-of-fold P(spam) of every text by stratified k-fold training, as `saring spam eval --cv K`.");
}

}  // namespace saring::python
