// WriterLock: one writer per store, across processes.
//
// A writable Store holds an exclusive, non-blocking flock() on
// DIR/authtrail.lock for its whole life, and writes "pid <pid> <command
// line>\n" into the file so that a second writer can say who holds it. The
// lock is taken BEFORE RocksDB is opened: RocksDB's own LOCK file would
// otherwise refuse the second writer with an opaque "lock hold by current
// process" / "Resource temporarily unavailable" message. Readers never take
// it (they open RocksDB read-only).
//
// flock() is released by the kernel when the process dies (kill -9 included),
// so a stale file never blocks anyone; its content is only read when the lock
// is held, and is cleared on release. flock() locks belong to the open file
// description: a second Acquire in the same process also gets kBusy.
//
// Thread-safety: not thread-safe; owned by one Store.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace authtrail::store::store_internal {

inline constexpr char kLockFileName[] = "authtrail.lock";

class WriterLock {
 public:
  // Takes the lock on `dir`/authtrail.lock (created when missing).
  //   kBusy     another writer holds it: "store DIR is locked by another
  //             writer (pid N: COMMAND)"
  //   kIOError  the file cannot be created, locked or written
  // REQUIRES: `dir` exists.
  static Result<std::unique_ptr<WriterLock>> Acquire(const std::string& dir);

  // Clears the file and releases the lock.
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
  bool held_ = false;  // Acquire succeeded: the file content is ours
};

}  // namespace authtrail::store::store_internal
