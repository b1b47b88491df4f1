// The filter's submit lock (src/filter/handoff_lock.hpp). The serial-order guarantee of
// Filter::submit rests on it: a commit must never overlap an evaluation or another commit
// (FilterConcurrent.VerdictsEqualSerialCommitOrder checks the guarantee end to end; these check the
// lock itself, also under ThreadSanitizer, which sees a broken exclusion as a data race).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "filter/handoff_lock.hpp"

namespace {

using saring::detail::HandoffLock;

// Writers move two plain counters together; a reader that ever sees them apart, or a final count
// short of the writes, means two holders overlapped. Hold times vary from none to past the spin
// phase, so waiters take both paths (spin, sleep).
TEST(HandoffLock, ExcludesWritersFromReadersAndEachOther) {
  HandoffLock lock;
  long a = 0, b = 0;
  std::atomic<long> torn{0};
  std::atomic<long> reads{0};
  constexpr int kWriters = 3, kReaders = 3, kRounds = 400;
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        std::unique_lock g(lock);
        ++a;
        if ((i + t) % 50 == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));  // past kSpin: sleeps
        if ((i + t) % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(40));   // within kSpin
        ++b;
      }
    });
  }
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        std::shared_lock g(lock);
        const long x = a;
        if ((i + t) % 40 == 0) std::this_thread::sleep_for(std::chrono::microseconds(400));
        if (x != b || a != b) torn.fetch_add(1);
        reads.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(a, static_cast<long>(kWriters) * kRounds);
  EXPECT_EQ(b, a);
  EXPECT_EQ(reads.load(), static_cast<long>(kReaders) * kRounds);
}

// Readers share the lock: a second reader gets in while a first one holds it.
TEST(HandoffLock, ReadersShare) {
  HandoffLock lock;
  std::shared_lock first(lock);
  std::atomic<bool> second_in{false};
  std::thread t([&] {
    std::shared_lock g(lock);
    second_in = true;
  });
  t.join();  // would never return if the second reader waited for the first
  EXPECT_TRUE(second_in.load());
}

// Writer preference: once a writer waits for the readers inside, a reader that arrives later
// waits for that writer (the commit is not held up by evaluations started after it asked). The
// order is checked, not a time: however slow the machine, the late reader must come second.
TEST(HandoffLock, WaitingWriterGoesBeforeLaterReaders) {
  for (int round = 0; round < 20; ++round) {
    HandoffLock lock;
    std::mutex order_mu;
    std::vector<char> order;
    auto record = [&](char c) {
      std::lock_guard g(order_mu);
      order.push_back(c);
    };
    std::shared_lock early(lock);
    std::atomic<bool> early_released{false};
    std::atomic<bool> writer_in_early{false};
    std::thread writer([&] {
      std::unique_lock g(lock);
      if (!early_released) writer_in_early = true;  // entered while a reader held the lock
      record('W');
    });
    while (!lock.writer_waiting() && !writer_in_early) std::this_thread::yield();
    std::thread late_reader([&] {
      std::shared_lock g(lock);
      record('R');
    });
    // Give the late reader every chance to overtake (spin and sleep phases) before the early
    // reader lets go.
    std::this_thread::sleep_for(std::chrono::milliseconds(round % 2 ? 1 : 5));
    early_released = true;
    early.unlock();
    writer.join();
    EXPECT_FALSE(writer_in_early.load()) << "round " << round;
    late_reader.join();
    ASSERT_EQ(order.size(), 2u);
    EXPECT_EQ(order[0], 'W') << "round " << round;
    EXPECT_EQ(order[1], 'R') << "round " << round;
  }
}

// More commits can wait at once than an 11-bit count holds (the lock word's first layout wrapped
// at 2,048 waiting writers, into the "writer holds" bit, and then no one could take the lock).
// All must be counted while a reader holds the lock, and all must get through after it lets go.
TEST(HandoffLock, CountsThousandsOfWaitingWriters) {
  HandoffLock lock;
  constexpr int kWriters = 2100;
  long entered = 0;
  std::vector<std::thread> threads;
  threads.reserve(kWriters);
  {
    std::shared_lock reader(lock);
    for (int t = 0; t < kWriters; ++t) {
      threads.emplace_back([&] {
        std::unique_lock g(lock);
        ++entered;
      });
    }
    while (lock.waiting_writers() < static_cast<std::uint64_t>(kWriters)) std::this_thread::yield();
    EXPECT_EQ(lock.waiting_writers(), static_cast<std::uint64_t>(kWriters));
    EXPECT_EQ(entered, 0);
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(entered, kWriters);
  EXPECT_FALSE(lock.writer_waiting());
}

}  // namespace
