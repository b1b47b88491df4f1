// Hash value types and the hashing/decoding functions. Image sources are a path (str or
// os.PathLike), encoded bytes (bytes, bytearray, memoryview) or a uint8 numpy array (HxW grey or
// HxWx3 with channel_order "rgb" or "bgr"); the GIL is released while decoding and hashing.
#include <cstring>
#include <optional>
#include <span>

#include <pybind11/numpy.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "saring/core/error.hpp"
#include "saring/hash/hash_types.hpp"
#include "saring/hash/image_hashes.hpp"
#include "saring/hash/pdq.hpp"
#include "saring/hash/video_hash.hpp"
#include "saring/image/image.hpp"
#include "image/video_internal.hpp"

namespace py = pybind11;

namespace saring::python {
namespace {

PixelFormat parse_order(const std::string& order) {
  if (order == "rgb" || order == "RGB") return PixelFormat::kRgb;
  if (order == "bgr" || order == "BGR") return PixelFormat::kBgr;
  throw py::value_error("channel_order must be 'rgb' or 'bgr', got '" + order + "'");
}

// Runs fn on the decoded or borrowed pixels of `source`, without the GIL.
template <typename Fn>
auto with_pixels(const py::object& source, const std::string& channel_order, const DecodeOptions& options, Fn fn) {
  if (py::isinstance<py::array>(source)) {
    py::array arr = py::reinterpret_borrow<py::array>(source);
    if (!arr.dtype().is(py::dtype::of<std::uint8_t>())) {
      throw py::type_error("image array must have dtype uint8, got " + std::string(py::str(arr.dtype())));
    }
    if (arr.ndim() != 2 && !(arr.ndim() == 3 && arr.shape(2) == 3)) {
      throw py::value_error("image array must be HxW (grey) or HxWx3, got ndim " + std::to_string(arr.ndim()));
    }
    const int channels = arr.ndim() == 3 ? 3 : 1;
    // Rows may be any stride; pixels and channels must be packed. Copy otherwise.
    if (arr.strides(1) != channels || (channels == 3 && arr.strides(2) != 1) || arr.strides(0) <= 0) {
      arr = py::array::ensure(arr, py::array::c_style);
    }
    ImageView view{static_cast<const std::uint8_t*>(arr.data()), static_cast<int>(arr.shape(1)),
                   static_cast<int>(arr.shape(0)), static_cast<std::ptrdiff_t>(arr.strides(0)),
                   channels == 1 ? PixelFormat::kGray : parse_order(channel_order)};
    py::gil_scoped_release release;
    return fn(view);
  }
  if (py::isinstance<py::bytes>(source) || py::isinstance<py::bytearray>(source) ||
      py::isinstance<py::memoryview>(source)) {
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(source).request();
    std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(info.ptr),
                                        static_cast<std::size_t>(info.size * info.itemsize));
    py::gil_scoped_release release;
    const Image img = decode_image_bytes(bytes, "<bytes>", options);
    return fn(img.view());
  }
  std::string path;
  if (py::isinstance<py::str>(source)) {
    path = source.cast<std::string>();
  } else if (py::hasattr(source, "__fspath__")) {
    path = source.attr("__fspath__")().cast<std::string>();
  } else {
    throw py::type_error("image source must be a path, bytes or a uint8 numpy array");
  }
  py::gil_scoped_release release;
  const Image img = decode_image_file(path, options);
  return fn(img.view());
}

DecodeOptions options_or_default(const std::optional<DecodeOptions>& o) { return o ? *o : DecodeOptions{}; }

py::array to_numpy(const Image& img) {
  std::vector<py::ssize_t> shape{img.height(), img.width()};
  if (img.channels() == 3) shape.push_back(3);
  py::array_t<std::uint8_t> out(shape);
  std::memcpy(out.mutable_data(), img.data(), img.size_bytes());
  return std::move(out);
}

}  // namespace

void register_hash(py::module_& m) {
  py::class_<Hash64>(m, "Hash64", "64-bit perceptual hash (pHash, dHash).")
      .def(py::init<>())
      .def(py::init<std::uint64_t>(), py::arg("bits"))
      .def_static("from_hex", &Hash64::from_hex, py::arg("hex"))
      .def("hex", &Hash64::hex)
      .def_property_readonly("bits", &Hash64::bits)
      .def("distance", &Hash64::distance, py::arg("other"), "Hamming distance, 0..64.")
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def("__hash__", [](const Hash64& h) { return std::hash<Hash64>{}(h); })
      .def("__str__", &Hash64::hex)
      .def("__repr__", [](const Hash64& h) { return "Hash64('" + h.hex() + "')"; });

  py::class_<Hash256>(m, "Hash256", "256-bit PDQ hash; hex in PDQ's interchange format.")
      .def(py::init<>())
      .def_static("from_hex", &Hash256::from_hex, py::arg("hex"))
      .def("hex", &Hash256::hex)
      .def("distance", &Hash256::distance, py::arg("other"), "Hamming distance, 0..256.")
      .def("popcount", &Hash256::popcount)
      .def("bit", &Hash256::bit, py::arg("k"))
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def("__hash__", [](const Hash256& h) { return std::hash<Hash256>{}(h); })
      .def("__str__", &Hash256::hex)
      .def("__repr__", [](const Hash256& h) { return "Hash256('" + h.hex() + "')"; });

  py::class_<DecodeOptions>(m, "DecodeOptions", "Decoding caps and options (see docs/hash.md).")
      .def(py::init([](std::uint64_t max_input_bytes, std::uint64_t max_pixels, bool apply_exif_orientation,
                       int jpeg_scale_denom, int jpeg_auto_min_side) {
             DecodeOptions o;
             o.max_input_bytes = max_input_bytes;
             o.max_pixels = max_pixels;
             o.apply_exif_orientation = apply_exif_orientation;
             o.jpeg_scale_denom = jpeg_scale_denom;
             o.jpeg_auto_min_side = jpeg_auto_min_side;
             o.validate();
             return o;
           }),
           py::arg("max_input_bytes") = DecodeOptions{}.max_input_bytes,
           py::arg("max_pixels") = DecodeOptions{}.max_pixels, py::arg("apply_exif_orientation") = false,
           py::arg("jpeg_scale_denom") = 1, py::arg("jpeg_auto_min_side") = 0)
      .def_readwrite("max_input_bytes", &DecodeOptions::max_input_bytes)
      .def_readwrite("max_pixels", &DecodeOptions::max_pixels)
      .def_readwrite("apply_exif_orientation", &DecodeOptions::apply_exif_orientation)
      .def_readwrite("jpeg_scale_denom", &DecodeOptions::jpeg_scale_denom)
      .def_readwrite("jpeg_auto_min_side", &DecodeOptions::jpeg_auto_min_side)
      .def("validate", &DecodeOptions::validate);

  py::class_<PdqHash>(m, "PdqHash", "PDQ hash and its quality (0..100).")
      .def(py::init<>())
      .def_readwrite("hash", &PdqHash::hash)
      .def_readwrite("quality", &PdqHash::quality)
      .def("__repr__", [](const PdqHash& h) {
        return "PdqHash('" + h.hash.hex() + "', quality=" + std::to_string(h.quality) + ")";
      });

  py::class_<ImageHashes>(m, "ImageHashes", "PDQ, pHash and dHash of one image.")
      .def_readonly("pdq", &ImageHashes::pdq)
      .def_readonly("phash", &ImageHashes::phash)
      .def_readonly("dhash", &ImageHashes::dhash)
      .def_readonly("width", &ImageHashes::width)
      .def_readonly("height", &ImageHashes::height)
      .def("__repr__", [](const ImageHashes& h) {
        return "ImageHashes(pdq='" + h.pdq.hash.hex() + "', quality=" + std::to_string(h.pdq.quality) +
               ", phash='" + h.phash.hex() + "', dhash='" + h.dhash.hex() + "')";
      });

  m.attr("DIHEDRAL_NAMES") = [] {
    py::list names;
    for (int i = 0; i < 8; ++i) names.append(std::string(dihedral_name(static_cast<Dihedral>(i))));
    return names;
  }();
  m.attr("PDQ_MATCH_DISTANCE") = kPdqMatchDistance;
  m.attr("PDQ_MIN_QUALITY") = kPdqMinQuality;

  const char* source_doc = " source: path, encoded bytes or uint8 numpy array (HxW or HxWx3).";
  m.def(
      "pdq_hash",
      [](const py::object& source, const std::string& channel_order, const std::optional<DecodeOptions>& options) {
        return with_pixels(source, channel_order, options_or_default(options),
                           [](const ImageView& v) { return pdq_hash(v); });
      },
      py::arg("source"), py::arg("channel_order") = "rgb", py::arg("options") = py::none(),
      (std::string("PDQ hash, bit-exact with Meta's reference.") + source_doc).c_str());
  m.def(
      "pdq_dihedral",
      [](const py::object& source, const std::string& channel_order, const std::optional<DecodeOptions>& options) {
        const PdqDihedralHashes d = with_pixels(source, channel_order, options_or_default(options),
                                                [](const ImageView& v) { return pdq_hash_dihedral(v); });
        py::dict out;
        for (int i = 0; i < 8; ++i) out[py::str(std::string(dihedral_name(static_cast<Dihedral>(i))))] = d.hashes[i];
        return py::make_tuple(out, d.quality);
      },
      py::arg("source"), py::arg("channel_order") = "rgb", py::arg("options") = py::none(),
      "PDQ of the 8 rotations/mirrors: (dict name -> Hash256, quality).");
  m.def(
      "phash",
      [](const py::object& source, const std::string& channel_order, const std::optional<DecodeOptions>& options) {
        return with_pixels(source, channel_order, options_or_default(options), [](const ImageView& v) { return phash(v); });
      },
      py::arg("source"), py::arg("channel_order") = "rgb", py::arg("options") = py::none(),
      "64-bit pHash, bit-compatible with OpenCV img_hash.PHash.");
  m.def(
      "dhash",
      [](const py::object& source, const std::string& channel_order, const std::optional<DecodeOptions>& options) {
        return with_pixels(source, channel_order, options_or_default(options), [](const ImageView& v) { return dhash(v); });
      },
      py::arg("source"), py::arg("channel_order") = "rgb", py::arg("options") = py::none(),
      "64-bit dHash (imagehash.dhash's algorithm and bit order).");
  m.def(
      "hash_image",
      [](const py::object& source, const std::string& channel_order, const std::optional<DecodeOptions>& options) {
        return with_pixels(source, channel_order, options_or_default(options),
                           [](const ImageView& v) { return hash_image(v); });
      },
      py::arg("source"), py::arg("channel_order") = "rgb", py::arg("options") = py::none(),
      "PDQ, pHash and dHash from one decode.");
  m.def(
      "decode_image",
      [](const py::object& source, const std::optional<DecodeOptions>& options) {
        if (py::isinstance<py::array>(source)) throw py::type_error("decode_image takes a path or bytes");
        Image img;
        with_pixels(source, "rgb", options_or_default(options), [&](const ImageView& v) {
          img = copy_image(v);
          return 0;
        });
        return to_numpy(img);
      },
      py::arg("source"), py::arg("options") = py::none(), "Decode to an HxWx3 RGB uint8 array, with the caps.");
  m.def(
      "probe_image",
      [](const py::bytes& head) {
        const std::string s = head;
        const ImageInfo i = probe_image(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()), "<bytes>");
        return py::make_tuple(std::string(image_format_name(i.format)), i.width, i.height);
      },
      py::arg("data"), "(format, width, height) from the header, without decoding.");

  py::class_<VideoFrameHash>(m, "VideoFrameHash", "PDQ of one sampled video frame.")
      .def(py::init<>())
      .def(py::init([](double t, const Hash256& h, int q) { return VideoFrameHash{t, h, q}; }), py::arg("time_seconds"),
           py::arg("hash"), py::arg("quality"))
      .def_readwrite("time_seconds", &VideoFrameHash::time_seconds)
      .def_readwrite("hash", &VideoFrameHash::hash)
      .def_readwrite("quality", &VideoFrameHash::quality)
      .def("__repr__", [](const VideoFrameHash& f) {
        return "VideoFrameHash(" + std::to_string(f.time_seconds) + ", '" + f.hash.hex() + "', " +
               std::to_string(f.quality) + ")";
      });
  m.def(
      "hash_video",
      [](const std::string& path, double interval_seconds, int max_frames, double max_duration_seconds,
         std::uint64_t max_input_bytes, std::uint64_t max_frame_pixels) {
        VideoOptions o;
        o.interval_seconds = interval_seconds;
        o.max_frames = max_frames;
        // The safety caps too, as C++ callers can set them (VideoOptions).
        o.max_duration_seconds = max_duration_seconds;
        o.max_input_bytes = max_input_bytes;
        o.max_frame_pixels = max_frame_pixels;
        py::gil_scoped_release release;
        return hash_video_file(path, o);
      },
      py::arg("path"), py::arg("interval_seconds") = VideoOptions{}.interval_seconds,
      py::arg("max_frames") = VideoOptions{}.max_frames,
      py::arg("max_duration_seconds") = VideoOptions{}.max_duration_seconds,
      py::arg("max_input_bytes") = VideoOptions{}.max_input_bytes,
      py::arg("max_frame_pixels") = VideoOptions{}.max_frame_pixels,
      "PDQ of frames sampled every interval_seconds: list of VideoFrameHash. The caps refuse larger files\n"
      "(code 'limit_exceeded') and stop reading past max_duration_seconds.");
  m.def(
      "photo_video_similarity",
      [](const PdqHash& photo, const std::vector<VideoFrameHash>& frames, int max_distance, int min_quality) {
        return photo_video_similarity(photo, frames, VideoMatchRule{max_distance, min_quality});
      },
      py::arg("photo"), py::arg("frames"), py::arg("max_distance") = kPdqMatchDistance,
      py::arg("min_quality") = kPdqMinQuality, "Fraction of usable frames matching the photo.");
  m.def(
      "video_similarity",
      [](const std::vector<VideoFrameHash>& a, const std::vector<VideoFrameHash>& b, int max_distance, int min_quality) {
        const VideoSimilarity s = video_similarity(a, b, VideoMatchRule{max_distance, min_quality});
        return py::make_tuple(s.query_matched, s.target_matched);
      },
      py::arg("a"), py::arg("b"), py::arg("max_distance") = kPdqMatchDistance, py::arg("min_quality") = kPdqMinQuality,
      "(fraction of a's frames matched in b, fraction of b's frames matched in a).");
  // For tests and evaluations: write RGB frames (HxWx3 uint8 arrays) to a video file.
  m.def(
      "_write_video",
      [](const std::string& path, const std::vector<py::array_t<std::uint8_t, py::array::c_style>>& frames, double fps,
         const std::string& fourcc) {
        std::vector<Image> images;
        for (const auto& f : frames) {
          if (f.ndim() != 3 || f.shape(2) != 3) throw py::value_error("frames must be HxWx3 uint8 arrays");
          Image img(static_cast<int>(f.shape(1)), static_cast<int>(f.shape(0)), PixelFormat::kRgb);
          std::memcpy(img.data(), f.data(), img.size_bytes());
          images.push_back(std::move(img));
        }
        detail::write_video(path, images, fps, fourcc);
      },
      py::arg("path"), py::arg("frames"), py::arg("fps") = 10.0, py::arg("fourcc") = "MJPG");
}

}  // namespace saring::python
