// GroupWriter: writes one rocksdb::WriteBatch at a time on its own thread, so
// the ingesting thread can parse, hash and encode the next group while RocksDB
// inserts the previous one into its memtables and WAL. Internal to store/.
//
// Contract: Submit() hands over a group and returns at once; at most one group
// is in flight, so Submit() first waits for the previous one. Wait() blocks
// until nothing is in flight and returns the status of the last write (a
// failed write is reported once, by the Wait() or Submit() that follows it).
// The caller learns a group is durable in RocksDB only from a Wait() that
// returns OK; until then the group's effects must not be published.
//
// Profile (perf, 500k events): RocksDB's Write() — memtable inserts of seven
// entries per event and the WAL append — was 56 % of the ingesting thread.
//
// Thread-safety: Submit/Wait from one thread (the batch writer's).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/status.h"

namespace authtrail::store::store_internal {

class GroupWriter {
 public:
  explicit GroupWriter(rocksdb::DB* db);
  // Waits for the group in flight, then stops the thread.
  ~GroupWriter();
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  // Waits for the previous group (returning its error, if any, without
  // submitting), then starts writing `batch`, which stays owned by the
  // GroupWriter until the next Wait() returns.
  Status Submit(std::unique_ptr<rocksdb::WriteBatch> batch);
  // Waits until no group is in flight; the last group's write status.
  Status Wait();
  // The batch last submitted, back for reuse after Wait(); may be null.
  std::unique_ptr<rocksdb::WriteBatch> TakeBack();

 private:
  void Run();

  rocksdb::DB* const db_;  // borrowed
  std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;  // guarded by mu_
  bool in_flight_ = false;                      // guarded by mu_
  bool stop_ = false;                           // guarded by mu_
  rocksdb::Status result_;                      // guarded by mu_
  std::thread thread_;                          // last: starts after the rest
};

}  // namespace authtrail::store::store_internal
