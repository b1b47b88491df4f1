// Spam scoring for Indonesian report text: one include for the whole module.
// See docs/spam.md. normalize_text (text.hpp) -> evaluate_spam_rules (rules.hpp) -> SpamModel and
// score_spam (model.hpp); NearDuplicateTextIndex and ReporterState supply the context rules.
#pragma once

#include "saring/spam/csv.hpp"
#include "saring/spam/metrics.hpp"
#include "saring/spam/model.hpp"
#include "saring/spam/near_duplicate.hpp"
#include "saring/spam/reporter_state.hpp"
#include "saring/spam/rules.hpp"
#include "saring/spam/text.hpp"
#include "saring/spam/training.hpp"
