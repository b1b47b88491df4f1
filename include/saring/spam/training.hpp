// Training data helpers shared by the CLI, Python and the benchmarks: labelled texts from a CSV,
// stratified folds and k-fold cross-validation of SpamModel.
//
//   auto data = saring::labeled_texts_from_csv(saring::read_csv_file("sms.csv"), "teks", "label", {"1", "2"});
//   std::vector<double> p = saring::cross_validate_spam(data, 5);
//   saring::BinaryMetrics m = saring::binary_metrics(data.labels, p);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "saring/spam/csv.hpp"
#include "saring/spam/model.hpp"

namespace saring {

struct LabeledTexts {
  std::vector<std::string> texts;
  std::vector<int> labels;  // 1 = spam
};

// Takes the text and label columns (by header name or number). With `spam_labels` empty the label
// must be 0 or 1; otherwise a label listed there is spam and any other value is not.
// Error(kNotFound) for a missing column, Error(kParse) for a label that is not 0/1 (row named).
LabeledTexts labeled_texts_from_csv(const CsvTable& table, std::string_view text_column,
                                    std::string_view label_column,
                                    const std::vector<std::string>& spam_labels = {});

// Fold number (0..k-1) of each example: each class shuffled (seeded) and dealt round-robin, so
// every fold keeps the class balance. Error(kInvalidArgument) if k < 2 or k > examples.
std::vector<int> stratified_folds(const std::vector<int>& labels, int k, std::uint64_t seed = 1);

// Out-of-fold P(spam) of every example: for each fold, train on the others and predict it.
std::vector<double> cross_validate_spam(const LabeledTexts& data, int k, const SpamTrainOptions& options = {},
                                        std::uint64_t seed = 1);

}  // namespace saring
