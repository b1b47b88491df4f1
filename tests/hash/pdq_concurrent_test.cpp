// Hashing from many threads at once (PDQ keeps per-thread scratch buffers; kernels are chosen once).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "saring/hash/image_hashes.hpp"

namespace saring {
namespace {

TEST(PdqConcurrent, ThreadsGetTheSameHashesAsOneThread) {
  const std::string dir = std::string(SARING_TEST_DATA_DIR) + "/hash/";
  const std::vector<std::string> files = {"bridge-mods/aaa-orig.jpg", "misc-images/wee.jpg", "misc-images/c.png",
                                          "reg-test-input/pen-and-coaster.png"};
  std::vector<Image> images;
  std::vector<ImageHashes> expected;
  for (const auto& f : files) {
    images.push_back(decode_image_file(dir + f));
    expected.push_back(hash_image(images.back().view()));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 10; ++round) {
        const std::size_t i = static_cast<std::size_t>(t + round) % images.size();
        const ImageHashes h = hash_image(images[i].view());
        if (h.pdq.hash != expected[i].pdq.hash || h.pdq.quality != expected[i].pdq.quality ||
            h.phash != expected[i].phash || h.dhash != expected[i].dhash) {
          ++mismatches[static_cast<std::size_t>(t)];
        }
        // Decoding concurrently too.
        if (round == 0 && decode_image_file(dir + files[i]).width() != images[i].width()) ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace saring
