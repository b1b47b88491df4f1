// Private: what the decoder decides, for callers that must predict it (the filter reuses a
// decoded photo only when a fresh decode with other options would give the same pixels).
#pragma once

#include "saring/image/image.hpp"

namespace saring::detail {

// The DCT scale denominator (1, 2, 4 or 8) a JPEG of this size is decoded at under `options`.
int jpeg_scale_denominator(const ImageInfo& info, const DecodeOptions& options);

}  // namespace saring::detail
