// Labelled data from CSV, stratified folds and cross-validation.
#include <algorithm>
#include <random>

#include "saring/core/error.hpp"
#include "saring/spam/training.hpp"

namespace saring {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

LabeledTexts labeled_texts_from_csv(const CsvTable& table, std::string_view text_column, std::string_view label_column,
                                    const std::vector<std::string>& spam_labels) {
  const std::size_t tc = table.column(text_column), lc = table.column(label_column);
  LabeledTexts out;
  out.texts.reserve(table.rows.size());
  out.labels.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string_view label = trim(row[lc]);
    int y;
    if (spam_labels.empty()) {
      if (label == "0") y = 0;
      else if (label == "1") y = 1;
      else
        throw Error(ErrorCode::kParse, "CSV data row " + std::to_string(r + 1) + ": label '" + std::string(label) +
                                           "' is not 0 or 1 (name the spam labels to map others)");
    } else {
      y = std::find(spam_labels.begin(), spam_labels.end(), label) != spam_labels.end() ? 1 : 0;
    }
    out.texts.push_back(row[tc]);
    out.labels.push_back(y);
  }
  return out;
}

std::vector<int> stratified_folds(const std::vector<int>& labels, int k, std::uint64_t seed) {
  if (k < 2 || static_cast<std::size_t>(k) > labels.size()) {
    throw Error(ErrorCode::kInvalidArgument, "stratified_folds: k must be in [2, examples], got " + std::to_string(k));
  }
  std::vector<int> fold(labels.size(), 0);
  std::mt19937_64 rng(seed);
  for (int cls : {0, 1}) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if ((labels[i] != 0) == (cls == 1)) idx.push_back(i);
    }
    std::shuffle(idx.begin(), idx.end(), rng);
    for (std::size_t j = 0; j < idx.size(); ++j) fold[idx[j]] = static_cast<int>(j % static_cast<std::size_t>(k));
  }
  return fold;
}

std::vector<double> cross_validate_spam(const LabeledTexts& data, int k, const SpamTrainOptions& options,
                                        std::uint64_t seed) {
  if (data.texts.size() != data.labels.size()) {
    throw Error(ErrorCode::kInvalidArgument, "cross_validate_spam: texts and labels differ in size");
  }
  const std::vector<int> fold = stratified_folds(data.labels, k, seed);
  std::vector<double> p(data.texts.size(), 0.0);
  for (int f = 0; f < k; ++f) {
    std::vector<std::string> tx;
    std::vector<int> ty;
    for (std::size_t i = 0; i < fold.size(); ++i) {
      if (fold[i] != f) {
        tx.push_back(data.texts[i]);
        ty.push_back(data.labels[i]);
      }
    }
    const SpamModel m = SpamModel::train(tx, ty, options);
    for (std::size_t i = 0; i < fold.size(); ++i) {
      if (fold[i] == f) p[i] = m.predict(data.texts[i]);
    }
  }
  return p;
}

}  // namespace saring
