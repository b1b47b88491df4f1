// Quality figures for a binary scorer: ROC-AUC (ties counted half, as scikit-learn does) and
// precision / recall / F1 at a threshold.
#pragma once

#include <cstddef>
#include <vector>

namespace saring {

struct BinaryMetrics {
  double roc_auc = 0.0;
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  double accuracy = 0.0;
  std::size_t positives = 0;
  std::size_t negatives = 0;
  std::size_t true_positives = 0;
  std::size_t false_positives = 0;
};

// `labels` 1/0, `scores` any real; sizes must match and both classes be present for ROC-AUC
// (Error(kInvalidArgument) otherwise).
BinaryMetrics binary_metrics(const std::vector<int>& labels, const std::vector<double>& scores,
                             double threshold = 0.5);
double roc_auc(const std::vector<int>& labels, const std::vector<double>& scores);

}  // namespace saring
