// saring spam: train a spam model from CSV, score report JSON lines, evaluate on labelled CSV.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "context.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/core/time.hpp"
#include "saring/spam/spam.hpp"

namespace saring::cli {

namespace {

struct DataArgs {
  std::string data;
  std::string text_col = "text";
  std::string label_col = "label";
  std::string spam_labels;  // comma-separated
  char delimiter = ',';
};

struct SpamArgs {
  DataArgs data;
  std::string out;
  std::string model;
  std::string file;
  int hash_bits = SpamFeatureOptions{}.hash_bits;
  double l2 = SpamTrainOptions{}.l2;
  int max_iterations = SpamTrainOptions{}.max_iterations;
  double spam_weight = SpamTrainOptions{}.spam_weight;
  double normal_weight = SpamTrainOptions{}.normal_weight;
  int cv = 0;
  double threshold = 0.5;
  std::size_t top_ngrams = 5;
  std::int64_t seed = 1;
  // spam score: context rules from the stream itself (earlier lines), as the filter does from its
  // state; off with --no-context.
  bool no_context = false;
  std::string near_window = "7d";
  std::string flood_window = "1h";
  std::string lexicons;  // directory of word lists (SpamLexicons::load_dir); empty = built-in
};

// The word lists of --lexicons DIR, or the built-in ones.
SpamLexicons load_lexicons(const SpamArgs& a) {
  if (a.lexicons.empty()) return SpamLexicons::builtin();
  try {
    return SpamLexicons::load_dir(a.lexicons);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("--lexicons: ") + e.what());
  }
}

void add_lexicons_option(CLI::App* cmd, SpamArgs& a, const char* what) {
  cmd->add_option("--lexicons", a.lexicons,
                  std::string("Directory of spam word lists (slang_id.tsv, promo_id.txt, money_id.txt, "
                              "abuse_id.txt, as data/spam/) instead of the built-in ones") + what);
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void add_data_options(CLI::App* cmd, DataArgs& d, bool required) {
  auto* opt = cmd->add_option("--data", d.data, "Labelled CSV (RFC 4180, header row)");
  if (required) opt->required();
  cmd->add_option("--text-col", d.text_col, "Text column (name or 0-based number)")->capture_default_str();
  cmd->add_option("--label-col", d.label_col, "Label column (name or number)")->capture_default_str();
  cmd->add_option("--spam-labels", d.spam_labels,
                  "Comma-separated label values that mean spam (default: the label column holds 0/1)");
  cmd->add_option("--delimiter", d.delimiter, "Field delimiter")->capture_default_str();
}

LabeledTexts load_data(const DataArgs& d) {
  CsvOptions o;
  o.delimiter = d.delimiter;
  return labeled_texts_from_csv(read_csv_file(d.data, o), d.text_col, d.label_col, split_commas(d.spam_labels));
}

SpamTrainOptions train_options(const SpamArgs& a) {
  SpamTrainOptions o;
  o.lexicons = load_lexicons(a);
  o.features.hash_bits = a.hash_bits;
  o.l2 = a.l2;
  o.max_iterations = a.max_iterations;
  o.spam_weight = a.spam_weight;
  o.normal_weight = a.normal_weight;
  return o;
}

std::string score_json(const std::string& id, const SpamScore& s) {
  nlohmann::ordered_json j;
  j["id"] = id;
  j["scores"] = {{"spam", s.probability}};
  nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
  for (const Reason& r : s.reasons()) {
    reasons.push_back({{"code", r.code}, {"group", r.group}, {"score", r.score}, {"detail", r.detail}});
  }
  j["reasons"] = std::move(reasons);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void print_metrics(const BinaryMetrics& m, double threshold) {
  std::printf("examples   %zu (spam %zu, normal %zu)\n", m.positives + m.negatives, m.positives, m.negatives);
  std::printf("roc_auc    %.4f\n", m.roc_auc);
  std::printf("precision  %.4f  (threshold %.2f)\n", m.precision, threshold);
  std::printf("recall     %.4f\n", m.recall);
  std::printf("f1         %.4f\n", m.f1);
  std::printf("accuracy   %.4f\n", m.accuracy);
}

}  // namespace

void register_spam_command(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<SpamArgs>();
  CLI::App* spam = app.add_subcommand("spam", "Spam scoring of report text: train, score, eval");
  spam->require_subcommand(1);

  CLI::App* train = spam->add_subcommand("train", "Train a spam model (logistic regression) from a labelled CSV");
  add_data_options(train, a->data, true);
  train->add_option("--out", a->out, "Model file to write")->required();
  train->add_option("--hash-bits", a->hash_bits, "log2 of the hashed feature buckets (12..24)")->capture_default_str();
  train->add_option("--l2", a->l2, "L2 penalty")->capture_default_str();
  train->add_option("--max-iter", a->max_iterations, "L-BFGS iterations")->capture_default_str();
  train->add_option("--spam-weight", a->spam_weight, "Class weight of spam examples (0 = balanced)")->capture_default_str();
  train->add_option("--normal-weight", a->normal_weight, "Class weight of normal examples (0 = balanced)")
      ->capture_default_str();
  add_lexicons_option(train, *a, "; the model records their fingerprint and needs the same lists to load");
  train->callback([a, &ctx]() {
    run_guarded(ctx, "spam train", [&]() {
      const LabeledTexts d = load_data(a->data);
      const SpamModel m = SpamModel::train(d.texts, d.labels, train_options(*a));
      m.save(a->out);
      std::size_t spam = 0;
      for (int y : d.labels) spam += static_cast<std::size_t>(y);
      std::fprintf(stderr, "trained on %zu texts (%zu spam), wrote %s\n", d.texts.size(), spam, a->out.c_str());
      return 0;
    });
  });

  CLI::App* score = spam->add_subcommand(
      "score", "Score report JSON lines; writes {id, scores:{spam}, reasons} per line (rules only without --model)");
  score->add_option("--model", a->model, "Model file from `saring spam train`");
  score->add_option("--top-ngrams", a->top_ngrams, "n-grams listed in the SPAM_MODEL reason")->capture_default_str();
  score->add_option("FILE", a->file, "Report JSON lines ('-' = standard input)")->required();
  score->add_flag("--no-context", a->no_context,
                  "Score each line's text alone: no near-duplicate-text or reporter-flood context from earlier lines");
  score->add_option("--near-window", a->near_window,
                    "Earlier lines this recent count for SPAM_NEAR_DUPLICATE_TEXT (duration, e.g. 7d)")
      ->capture_default_str();
  score->add_option("--flood-window", a->flood_window,
                    "Window of a reporter's lines counted for SPAM_REPORTER_FLOOD (duration, e.g. 1h)")
      ->capture_default_str();
  add_lexicons_option(score, *a, "; with --model, the lists the model was trained with");
  score->callback([a, &ctx]() {
    run_guarded(ctx, "spam score", [&]() {
      const SpamLexicons lexicons = load_lexicons(*a);
      std::optional<SpamModel> model;
      if (!a->model.empty()) model = SpamModel::load(a->model, lexicons);
      SpamScoreOptions so;
      so.top_ngrams = a->top_ngrams;
      so.lexicons = lexicons;
      so.validate();
      std::ifstream file;
      std::istream* in = &std::cin;
      if (a->file != "-") {
        file.open(a->file, std::ios::binary);
        if (!file) throw Error(ErrorCode::kIo, "cannot open " + a->file);
        in = &file;
      }
      // The context rules (SPAM_NEAR_DUPLICATE_TEXT, SPAM_REPORTER_FLOOD) need the reports seen
      // before: the lines above this one, judged in file order like `saring geo`'s history.
      auto duration = [](const char* option, const std::string& text) {
        try {
          return parse_duration_seconds(text);
        } catch (const Error& e) {
          throw Error(e.code(), std::string(option) + ": " + e.what());
        }
      };
      const std::int64_t near_window = duration("--near-window", a->near_window);
      ReporterStateOptions ro;
      ro.flood_window_seconds = duration("--flood-window", a->flood_window);
      ro.validate();
      ReporterState reporters(ro);
      NearDuplicateTextIndex near_index;
      UnixSeconds latest = INT64_MIN;
      std::size_t since_index_prune = 0;
      std::string line;
      std::size_t line_no = 0, failed = 0;
      while (std::getline(*in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        try {
          const Report r = parse_report_json(line, line_no);
          SpamContext context;
          std::optional<Hash64> simhash;
          if (!a->no_context) {
            reporters.fill_context(r.reporter, r.time.unix, context);
            simhash = text_simhash(normalize_text(r.text, {}, lexicons).normalized);
            if (simhash) {
              const UnixSeconds since = r.time.unix < INT64_MIN + near_window ? INT64_MIN : r.time.unix - near_window;
              context.near_duplicates = near_index.count_near(*simhash, since);
            }
          }
          const SpamScore s = score_spam(r.text, context, model ? &*model : nullptr, so);
          std::cout << score_json(r.id, s) << '\n';
          if (!a->no_context) {
            reporters.record_report(r.reporter, r.time.unix);
            if (simhash) near_index.add(r.id, *simhash, r.time.unix);
            if (r.time.unix > latest) {  // forget what no later line can count any more
              latest = r.time.unix;
              reporters.prune(latest);
            }
            if (++since_index_prune >= 1024 && latest > INT64_MIN + near_window) {
              near_index.remove_older_than(latest - near_window);
              since_index_prune = 0;
            }
          }
        } catch (const Error& e) {
          ++failed;
          std::cerr << "saring spam score: " << a->file << ": " << e.what() << '\n';
        }
      }
      return failed ? 1 : 0;
    });
  });

  CLI::App* eval = spam->add_subcommand(
      "eval", "ROC-AUC, precision, recall and F1 of a model on a labelled CSV, or of training by k-fold CV (--cv)");
  add_data_options(eval, a->data, true);
  eval->add_option("--model", a->model, "Model file to evaluate");
  eval->add_option("--cv", a->cv, "Instead of --model: k-fold stratified cross-validation of training");
  eval->add_option("--threshold", a->threshold, "P(spam) at or above which a text counts as spam")->capture_default_str();
  eval->add_option("--hash-bits", a->hash_bits, "With --cv: log2 of the hashed feature buckets")->capture_default_str();
  eval->add_option("--l2", a->l2, "With --cv: L2 penalty")->capture_default_str();
  eval->add_option("--max-iter", a->max_iterations, "With --cv: L-BFGS iterations")->capture_default_str();
  eval->add_option("--seed", a->seed, "With --cv: fold shuffling seed")->capture_default_str();
  eval->add_option("--spam-weight", a->spam_weight, "With --cv: class weight of spam examples (0 = balanced)")
      ->capture_default_str();
  eval->add_option("--normal-weight", a->normal_weight, "With --cv: class weight of normal examples (0 = balanced)")
      ->capture_default_str();
  add_lexicons_option(eval, *a, "; with --model, the lists it was trained with");
  eval->callback([a, &ctx]() {
    run_guarded(ctx, "spam eval", [&]() {
      if (a->model.empty() == (a->cv == 0)) throw Error(ErrorCode::kInvalidArgument, "give exactly one of --model or --cv");
      const LabeledTexts d = load_data(a->data);
      std::vector<double> p;
      if (a->cv != 0) {
        p = cross_validate_spam(d, a->cv, train_options(*a), static_cast<std::uint64_t>(a->seed));
      } else {
        const SpamModel m = SpamModel::load(a->model, load_lexicons(*a));
        p.reserve(d.texts.size());
        for (const auto& t : d.texts) p.push_back(m.predict(t));
      }
      print_metrics(binary_metrics(d.labels, p, a->threshold), a->threshold);
      return 0;
    });
  });
}

}  // namespace saring::cli
