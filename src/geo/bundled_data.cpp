// Embeds data/geo/*.geojson with the assembler's .incbin: no generated sources, no CMake step, and
// the files in the repository stay the single copy of the data. SARING_SOURCE_DIR comes from the
// library's compile definitions. (ccache sees .incbin and compiles this file uncached; a change
// to a data file needs this object rebuilt, e.g. `touch src/geo/bundled_data.cpp`.)
#include "geo/bundled_data.hpp"

#ifndef SARING_SOURCE_DIR
#error "SARING_SOURCE_DIR must name the source tree (set by CMakeLists.txt)"
#endif

#define SARING_GEO_EMBED(sym, file)                                                     \
  __asm__(".pushsection .rodata\n"                                                      \
          ".balign 16\n"                                                                \
          ".hidden " #sym "_begin\n"                                                    \
          ".hidden " #sym "_end\n"                                                      \
          ".globl " #sym "_begin\n"                                                     \
          ".globl " #sym "_end\n" #sym "_begin:\n"                                      \
          ".incbin \"" SARING_SOURCE_DIR "/data/geo/" file "\"\n" #sym "_end:\n"        \
          ".byte 0\n"                                                                   \
          ".popsection\n");                                                             \
  extern "C" const char sym##_begin[];                                                  \
  extern "C" const char sym##_end[];

SARING_GEO_EMBED(saring_geo_provinsi, "dki_jakarta_provinsi.geojson")
SARING_GEO_EMBED(saring_geo_kabupaten_kota, "dki_jakarta_kabupaten_kota.geojson")
SARING_GEO_EMBED(saring_geo_kecamatan, "dki_jakarta_kecamatan.geojson")
SARING_GEO_EMBED(saring_geo_kelurahan, "dki_jakarta_kelurahan.geojson")
SARING_GEO_EMBED(saring_geo_water, "jakarta_bay_water_coarse.geojson")

namespace saring::detail {

std::string_view bundled_geo_text(std::string_view name) noexcept {
  auto view = [](const char* b, const char* e) { return std::string_view(b, static_cast<std::size_t>(e - b)); };
  if (name == "provinsi") return view(saring_geo_provinsi_begin, saring_geo_provinsi_end);
  if (name == "kabupaten_kota") return view(saring_geo_kabupaten_kota_begin, saring_geo_kabupaten_kota_end);
  if (name == "kecamatan") return view(saring_geo_kecamatan_begin, saring_geo_kecamatan_end);
  if (name == "kelurahan") return view(saring_geo_kelurahan_begin, saring_geo_kelurahan_end);
  if (name == "water") return view(saring_geo_water_begin, saring_geo_water_end);
  return {};
}

}  // namespace saring::detail
