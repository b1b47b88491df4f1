// The GeoJSON layers compiled into the library (data/geo/ at the top of the source tree), so the
// default Jakarta area set needs no files at run time.
#pragma once

#include <string_view>

namespace saring::detail {

// "provinsi", "kabupaten_kota", "kecamatan", "kelurahan" or "water"; empty for other names.
std::string_view bundled_geo_text(std::string_view name) noexcept;

}  // namespace saring::detail
