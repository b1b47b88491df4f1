#pragma once
// A reader-writer lock for the filter's submit path: writer preference, and a waiter spins for a
// while before it sleeps.
//
// Why not std::shared_mutex: with two submitting threads every submit waits twice (its commit
// waits for the other thread's evaluation to end, its next evaluation waits for the other's
// commit), and each wait is short (a commit ~15 µs, an evaluation ~35 µs at a 1 M window). glibc's
// rwlock sleeps in the kernel at once; on a VM the sleeping vCPU halts and waking it costs tens
// of microseconds, so two threads spent more time being woken than working (docs/filter.md, "Two
// threads at a 1 M window, round 7"). A waiter spins for kSpin and only then sleeps (futex,
// through std::atomic::wait), so a holder that was preempted, or a long snapshot, does not keep a
// core busy.
//
// Writer preference replaces the former gate mutex: once a writer waits, new readers hold back,
// so a commit waits only for the evaluations already running, not for ones started after it.
// Readers that arrive while no writer waits share the lock as before.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace saring::detail {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class HandoffLock {
 public:
  // Covers a commit (~15 µs at a 1 M window on the idle 2-core VM) and most of an evaluation
  // (~30 µs). Not longer: when the cores are oversubscribed a spinning waiter pushes the other
  // work onto the holder's core, and sleeping is the better wait (docs/filter.md, round 7: a phase
  // of sched_yield after the spin made two threads 30 % slower under load).
  static constexpr std::chrono::microseconds kSpin{50};

  void lock_shared() {
    acquire([this] {
      std::uint64_t w = word_.load(std::memory_order_relaxed);
      if (w & (kWriter | kWaitingMask)) return false;
      return word_.compare_exchange_weak(w, w + 1, std::memory_order_acquire, std::memory_order_relaxed);
    });
  }
  void unlock_shared() {
    word_.fetch_sub(1, std::memory_order_seq_cst);
    wake();
  }

  void lock() {
    std::uint64_t w = 0;
    if (word_.compare_exchange_strong(w, kWriter, std::memory_order_acquire, std::memory_order_relaxed)) return;
    word_.fetch_add(kWaitingOne, std::memory_order_relaxed);  // new readers now hold back
    acquire([this] {
      std::uint64_t v = word_.load(std::memory_order_relaxed);
      if (v & (kWriter | kReaderMask)) return false;
      return word_.compare_exchange_weak(v, (v - kWaitingOne) | kWriter, std::memory_order_acquire,
                                         std::memory_order_relaxed);
    });
  }
  void unlock() {
    word_.fetch_and(~kWriter, std::memory_order_seq_cst);
    wake();
  }

  // Whether a writer waits for the lock (for tests: new readers hold back while it does).
  bool writer_waiting() const { return waiting_writers() != 0; }
  // How many writers wait (for tests).
  std::uint64_t waiting_writers() const {
    return (word_.load(std::memory_order_relaxed) & kWaitingMask) / kWaitingOne;
  }

 private:
  // One word: readers holding (bits 0-31), writers waiting (bits 32-62), writer holding (bit 63).
  // 64 bits so that neither count can overflow into the next field with any number of threads
  // a process can have (an 11-bit waiting count, as before, wrapped at 2,048 waiting commits).
  static constexpr std::uint64_t kReaderMask = (std::uint64_t{1} << 32) - 1;
  static constexpr std::uint64_t kWaitingOne = std::uint64_t{1} << 32;
  static constexpr std::uint64_t kWaitingMask = ((std::uint64_t{1} << 63) - 1) & ~kReaderMask;
  static constexpr std::uint64_t kWriter = std::uint64_t{1} << 63;

  template <class TryTake>
  void acquire(TryTake try_take) {
    if (try_take()) return;
    // Spin first: the usual wait is another thread's commit or evaluation, and a thread that
    // never leaves the core is back at work the moment the lock frees.
    const auto start = std::chrono::steady_clock::now();
    for (unsigned i = 1;; ++i) {
      cpu_relax();
      if (try_take()) return;
      if (i % 64 == 0 && std::chrono::steady_clock::now() - start >= kSpin) break;
    }
    for (;;) {
      // Announce the sleep before re-reading the word; unlock* change the word before reading
      // sleepers_ (both sequentially consistent), so either this thread sees the change or the
      // unlocker sees the sleeper and wakes it.
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      const std::uint64_t seen = word_.load(std::memory_order_seq_cst);
      if (try_take()) {
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
        return;
      }
      word_.wait(seen, std::memory_order_relaxed);
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      if (try_take()) return;
    }
  }
  void wake() {
    if (sleepers_.load(std::memory_order_seq_cst) != 0) word_.notify_all();
  }

  // Apart, so the waiters' count does not share a line with the word every acquisition writes.
  alignas(64) std::atomic<std::uint64_t> word_{0};
  alignas(64) std::atomic<std::uint32_t> sleepers_{0};
};

}  // namespace saring::detail
