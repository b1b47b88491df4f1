// Robustness of PDQ, pHash and dHash to everyday edits, and their false-match rate.
//
//   build/benchmarks/eval_robustness PHOTO_DIR OUT.csv [--max-photos N] [--max-side PX]
//
// For every JPEG/PNG in PHOTO_DIR (not recursive): decode (saring's default decode), shrink to at
// most --max-side pixels (default 1600, INTER_AREA) as "the original", apply each transform, hash
// again and count a match when the distance is within the hash's usual threshold (PDQ <= 31,
// pHash <= 10, dHash <= 10). Rotations and the mirror are compared against the 8 dihedral
// variants of the original (PDQ: from its DCT; pHash/dHash: hashes of the 8 transformed
// originals). The false-match rate is over all pairs of distinct originals, plain and with
// dihedral variants. Writes CSV rows: hash,transform,threshold,matched,total,rate.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "saring/core/error.hpp"
#include "saring/hash/image_hashes.hpp"
#include "saring/hash/pdq.hpp"

namespace fs = std::filesystem;

namespace {

struct Hashes {
  saring::Hash256 pdq;
  saring::Hash64 phash, dhash;
};

cv::Mat to_mat(const saring::Image& img) {
  return cv::Mat(img.height(), img.width(), CV_8UC3, const_cast<std::uint8_t*>(img.data())).clone();
}

saring::ImageView view_of(const cv::Mat& m) {
  return saring::ImageView{m.data, m.cols, m.rows, static_cast<std::ptrdiff_t>(m.step), saring::PixelFormat::kRgb};
}

Hashes hashes_of(const cv::Mat& rgb) {
  const saring::ImageHashes h = saring::hash_image(view_of(rgb));
  return Hashes{h.pdq.hash, h.phash, h.dhash};
}

// The 8 dihedral transforms of a picture, in saring::Dihedral order.
std::vector<cv::Mat> dihedral_images(const cv::Mat& m) {
  std::vector<cv::Mat> out(8);
  out[0] = m;
  cv::rotate(m, out[1], cv::ROTATE_90_COUNTERCLOCKWISE);
  cv::rotate(m, out[2], cv::ROTATE_180);
  cv::rotate(m, out[3], cv::ROTATE_90_CLOCKWISE);
  cv::flip(m, out[4], 0);  // rows reversed
  cv::flip(m, out[5], 1);  // columns reversed
  cv::transpose(m, out[6]);
  cv::flip(out[6], out[7], -1);
  return out;
}

cv::Mat jpeg(const cv::Mat& m, int q) {
  const auto bytes = saring::encode_image(view_of(m), saring::ImageFormat::kJpeg, q);
  return to_mat(saring::decode_image_bytes(bytes, "reencoded"));
}

cv::Mat resize_by(const cv::Mat& m, double f) {
  cv::Mat out;
  cv::resize(m, out, cv::Size(), f, f, f < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

cv::Mat crop(const cv::Mat& m, double frac) {
  // Keep the centre, cutting frac of the width and of the height in total (half on each side).
  const int dx = static_cast<int>(m.cols * frac / 2), dy = static_cast<int>(m.rows * frac / 2);
  return m(cv::Rect(dx, dy, m.cols - 2 * dx, m.rows - 2 * dy)).clone();
}

cv::Mat rotate_small(const cv::Mat& m, double degrees) {
  const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(m.cols / 2.0f, m.rows / 2.0f), degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(m, out, r, m.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
  return out;
}

cv::Mat affine_levels(const cv::Mat& m, double gain, double bias) {
  cv::Mat out;
  m.convertTo(out, -1, gain, bias);
  return out;
}

cv::Mat noise(const cv::Mat& m, double sigma) {
  cv::Mat n(m.size(), CV_16SC3);
  cv::RNG rng(12345);
  rng.fill(n, cv::RNG::NORMAL, 0, sigma);
  cv::Mat wide, out;
  m.convertTo(wide, CV_16SC3);
  wide += n;
  wide.convertTo(out, CV_8UC3);
  return out;
}

cv::Mat blur(const cv::Mat& m) {
  cv::Mat out;
  const double sigma = std::max(m.cols, m.rows) / 400.0;  // ~4 px at 1600 px
  cv::GaussianBlur(m, out, cv::Size(0, 0), sigma);
  return out;
}

cv::Mat text_overlay(const cv::Mat& m) {
  cv::Mat out = m.clone();
  const double scale = m.cols / 600.0;
  const int thick = std::max(1, static_cast<int>(2 * scale));
  cv::putText(out, "LAPORAN JALAN RUSAK", cv::Point(m.cols / 20, m.rows / 3), cv::FONT_HERSHEY_SIMPLEX, scale,
              cv::Scalar(255, 255, 255), thick * 2);
  cv::putText(out, "28/11/2026 08:15 Jakarta", cv::Point(m.cols / 20, m.rows * 9 / 10), cv::FONT_HERSHEY_SIMPLEX,
              scale * 0.8, cv::Scalar(255, 255, 0), thick);
  return out;
}

cv::Mat screenshot(const cv::Mat& m) {
  // The photo shown on a phone screen: letterboxed into a 9:19.5 frame with a status bar and a
  // toolbar, then captured.
  const int w = m.cols, h = static_cast<int>(w * 19.5 / 9);
  cv::Mat out(h, w, CV_8UC3, cv::Scalar(0, 0, 0));
  const int y0 = (h - m.rows) / 2;
  m.copyTo(out(cv::Rect(0, std::max(0, y0), w, std::min(m.rows, h))));
  cv::rectangle(out, cv::Rect(0, 0, w, h / 25), cv::Scalar(250, 250, 250), cv::FILLED);
  cv::rectangle(out, cv::Rect(0, h - h / 12, w, h / 12), cv::Scalar(30, 30, 30), cv::FILLED);
  cv::putText(out, "08:15", cv::Point(w / 30, h / 35), cv::FONT_HERSHEY_SIMPLEX, w / 800.0, cv::Scalar(0, 0, 0), 2);
  return out;
}

struct Transform {
  std::string name;
  bool dihedral;  // compare against the dihedral variants
  std::function<cv::Mat(const cv::Mat&)> apply;
};

std::vector<Transform> transforms() {
  std::vector<Transform> t;
  for (int q : {30, 50, 75, 95}) t.push_back({"jpeg_q" + std::to_string(q), false, [q](const cv::Mat& m) { return jpeg(m, q); }});
  for (double f : {0.25, 0.5, 0.75, 1.5, 2.0}) {
    char name[32];
    std::snprintf(name, sizeof name, "resize_%.2gx", f);
    t.push_back({name, false, [f](const cv::Mat& m) { return resize_by(m, f); }});
  }
  for (int c : {5, 10, 20}) t.push_back({"crop_" + std::to_string(c) + "pct", false, [c](const cv::Mat& m) { return crop(m, c / 100.0); }});
  t.push_back({"rotate_90", true, [](const cv::Mat& m) { cv::Mat o; cv::rotate(m, o, cv::ROTATE_90_COUNTERCLOCKWISE); return o; }});
  t.push_back({"rotate_180", true, [](const cv::Mat& m) { cv::Mat o; cv::rotate(m, o, cv::ROTATE_180); return o; }});
  t.push_back({"rotate_270", true, [](const cv::Mat& m) { cv::Mat o; cv::rotate(m, o, cv::ROTATE_90_CLOCKWISE); return o; }});
  t.push_back({"rotate_+5deg", false, [](const cv::Mat& m) { return rotate_small(m, 5); }});
  t.push_back({"rotate_-5deg", false, [](const cv::Mat& m) { return rotate_small(m, -5); }});
  t.push_back({"mirror", true, [](const cv::Mat& m) { cv::Mat o; cv::flip(m, o, 1); return o; }});
  t.push_back({"brightness_+30pct", false, [](const cv::Mat& m) { return affine_levels(m, 1.0, 0.3 * 255); }});
  t.push_back({"brightness_-30pct", false, [](const cv::Mat& m) { return affine_levels(m, 1.0, -0.3 * 255); }});
  t.push_back({"contrast_+30pct", false, [](const cv::Mat& m) { return affine_levels(m, 1.3, -0.3 * 128); }});
  t.push_back({"contrast_-30pct", false, [](const cv::Mat& m) { return affine_levels(m, 0.7, 0.3 * 128); }});
  t.push_back({"blur_gauss", false, blur});
  t.push_back({"noise_sigma10", false, [](const cv::Mat& m) { return noise(m, 10); }});
  t.push_back({"text_overlay", false, text_overlay});
  t.push_back({"screenshot_border", false, screenshot});
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: eval_robustness PHOTO_DIR OUT.csv [--max-photos N] [--max-side PX]\n";
    return 2;
  }
  const std::string dir = argv[1], out_path = argv[2];
  std::size_t max_photos = 1000;
  int max_side = 1600;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--max-photos") max_photos = std::stoul(argv[i + 1]);
    else if (a == "--max-side") max_side = std::stoi(argv[i + 1]);
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() > max_photos) files.resize(max_photos);

  struct Original {
    std::string name;
    cv::Mat rgb;
    Hashes plain;
    std::vector<Hashes> dihedral;  // 8
    saring::PdqDihedralHashes pdq_dct;
  };
  std::vector<Original> originals;
  for (const auto& f : files) {
    try {
      saring::Image img = saring::decode_image_file(f.string());
      cv::Mat m = to_mat(img);
      const int side = std::max(m.cols, m.rows);
      if (side > max_side) m = resize_by(m, static_cast<double>(max_side) / side);
      Original o{f.filename().string(), m, hashes_of(m), {}, saring::pdq_hash_dihedral(view_of(m))};
      for (const cv::Mat& d : dihedral_images(m)) o.dihedral.push_back(hashes_of(d));
      if (saring::pdq_hash(view_of(m)).quality < 50) {
        std::cerr << "skip (PDQ quality < 50): " << f << "\n";
        continue;
      }
      originals.push_back(std::move(o));
    } catch (const saring::Error& e) {
      std::cerr << "skip: " << e.what() << "\n";
    }
  }
  std::cerr << originals.size() << " photos\n";

  const int kPdqT = 31, kPhT = 10, kDhT = 10;
  std::ofstream csv(out_path);
  csv << "hash,transform,threshold,matched,total,rate\n";
  auto row = [&](const std::string& hash, const std::string& t, int thr, long matched, long total) {
    csv << hash << "," << t << "," << thr << "," << matched << "," << total << ","
        << (total ? static_cast<double>(matched) / total : 0.0) << "\n";
    std::printf("%-6s %-20s %4ld/%-4ld %.3f\n", hash.c_str(), t.c_str(), matched, total,
                total ? static_cast<double>(matched) / total : 0.0);
  };

  for (const Transform& t : transforms()) {
    long pdq = 0, ph = 0, dh = 0, total = 0;
    for (const Original& o : originals) {
      const Hashes h = hashes_of(t.apply(o.rgb));
      ++total;
      if (t.dihedral) {
        // PDQ from the original's DCT (as an index would store it); pHash/dHash from the 8 transformed originals.
        pdq += saring::pdq_min_dihedral_distance(o.pdq_dct, h.pdq) <= kPdqT;
        int best_ph = 64, best_dh = 64;
        for (const Hashes& d : o.dihedral) {
          best_ph = std::min(best_ph, d.phash.distance(h.phash));
          best_dh = std::min(best_dh, d.dhash.distance(h.dhash));
        }
        ph += best_ph <= kPhT;
        dh += best_dh <= kDhT;
      } else {
        pdq += o.plain.pdq.distance(h.pdq) <= kPdqT;
        ph += o.plain.phash.distance(h.phash) <= kPhT;
        dh += o.plain.dhash.distance(h.dhash) <= kDhT;
      }
    }
    row("pdq", t.name, kPdqT, pdq, total);
    row("phash", t.name, kPhT, ph, total);
    row("dhash", t.name, kDhT, dh, total);
  }

  long pairs = 0, pdq_fm = 0, ph_fm = 0, dh_fm = 0, pdq_fm_d = 0, ph_fm_d = 0, dh_fm_d = 0;
  for (std::size_t i = 0; i < originals.size(); ++i) {
    for (std::size_t j = i + 1; j < originals.size(); ++j) {
      const Original &a = originals[i], &b = originals[j];
      ++pairs;
      pdq_fm += a.plain.pdq.distance(b.plain.pdq) <= kPdqT;
      ph_fm += a.plain.phash.distance(b.plain.phash) <= kPhT;
      dh_fm += a.plain.dhash.distance(b.plain.dhash) <= kDhT;
      pdq_fm_d += saring::pdq_min_dihedral_distance(a.pdq_dct, b.plain.pdq) <= kPdqT;
      int best_ph = 64, best_dh = 64;
      for (const Hashes& d : a.dihedral) {
        best_ph = std::min(best_ph, d.phash.distance(b.plain.phash));
        best_dh = std::min(best_dh, d.dhash.distance(b.plain.dhash));
      }
      ph_fm_d += best_ph <= kPhT;
      dh_fm_d += best_dh <= kDhT;
    }
  }
  row("pdq", "false_match", kPdqT, pdq_fm, pairs);
  row("phash", "false_match", kPhT, ph_fm, pairs);
  row("dhash", "false_match", kDhT, dh_fm, pairs);
  row("pdq", "false_match_dihedral", kPdqT, pdq_fm_d, pairs);
  row("phash", "false_match_dihedral", kPhT, ph_fm_d, pairs);
  row("dhash", "false_match_dihedral", kDhT, dh_fm_d, pairs);
  std::cerr << "wrote " << out_path << "\n";
  return 0;
}
