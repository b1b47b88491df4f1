// ROC-AUC by ranks (Mann-Whitney U, ties averaged) and threshold metrics.
#include <algorithm>
#include <numeric>

#include "saring/core/error.hpp"
#include "saring/spam/metrics.hpp"

namespace saring {

double roc_auc(const std::vector<int>& labels, const std::vector<double>& scores) {
  if (labels.size() != scores.size()) throw Error(ErrorCode::kInvalidArgument, "roc_auc: labels and scores differ in size");
  std::vector<std::size_t> order(labels.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double avg_rank = (static_cast<double>(i) + static_cast<double>(j - 1)) / 2.0 + 1.0;
    for (std::size_t k = i; k < j; ++k) {
      if (labels[order[k]] != 0) {
        rank_sum += avg_rank;
        ++pos;
      }
    }
    i = j;
  }
  const std::size_t neg = labels.size() - pos;
  if (pos == 0 || neg == 0) throw Error(ErrorCode::kInvalidArgument, "roc_auc needs both positive and negative labels");
  const double p = static_cast<double>(pos), q = static_cast<double>(neg);
  return (rank_sum - p * (p + 1) / 2) / (p * q);
}

BinaryMetrics binary_metrics(const std::vector<int>& labels, const std::vector<double>& scores, double threshold) {
  BinaryMetrics m;
  m.roc_auc = roc_auc(labels, scores);
  std::size_t correct = 0, fn = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool pred = scores[i] >= threshold;
    const bool pos = labels[i] != 0;
    (pos ? m.positives : m.negatives)++;
    if (pred && pos) ++m.true_positives;
    if (pred && !pos) ++m.false_positives;
    if (!pred && pos) ++fn;
    if (pred == pos) ++correct;
  }
  const double tp = static_cast<double>(m.true_positives);
  m.precision = m.true_positives + m.false_positives ? tp / static_cast<double>(m.true_positives + m.false_positives) : 0.0;
  m.recall = m.positives ? tp / static_cast<double>(m.positives) : 0.0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  m.accuracy = labels.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(labels.size());
  return m;
}

}  // namespace saring
