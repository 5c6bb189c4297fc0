// The store's RocksDB database: options, opening every column family, and
// the conversion of rocksdb::Status at this edge.
//
// Options (why, not just what):
//   - WAL on, sync off: a group is durable once Write() returns as far as a
//     process crash (kill -9) goes, because the OS keeps the WAL's pages.
//     Power loss may lose the last unsynced groups; re-ingesting the same
//     inputs completes them (idempotency). Recovery mode is point-in-time:
//     a torn WAL tail is dropped at the last complete WriteBatch, so a store
//     always reopens at a group boundary.
//   - paranoid_checks and verify_checksums: a damaged file is reported as
//     corruption instead of being read.
//   - log: 32 KB blocks + zstd. perf.md measured ~88 B/event with 4 KB
//     blocks, ~59 B with 16 KB and ~54 B with 64 KB; 32 KB keeps the log near
//     55 B/event while a point read (explain) still decompresses only 32 KB.
//   - upper levels (L0, the first compactions) use LZ4, the bottommost level
//     zstd: the writer on 2 cores is limited by background compression
//     (perf.md), and most bytes end up, compressed once with zstd, at the
//     bottom; dynamic level sizes keep the bottom level the largest.
//   - chain: 32-byte hashes do not compress: no compression.
//   - dedup: whole-key bloom filters (10 bits/key) in SST files and in the
//     memtable, so the lookup every ingested event makes is cheap on a miss.
//     Filters and index are partitioned (4 KB partitions, top level pinned):
//     a big table's whole filter did not fit a cache shard and was re-read
//     from its file by every lookup (ingest fell to 6k events/s at 4M).
//   - memtables: by_org, by_user and by_app keys arrive in random order and
//     the writer never reads them back, so they use a vector memtable
//     (append, sorted once at flush); a skiplist insert of a random key cost
//     ~15k instructions (callgrind), 25% of the whole ingest. log, chain and
//     by_time arrive in key order (cheap skiplist appends) and dedup is read
//     on every Add, so they keep skiplists. A vector memtable sorts a copy
//     for every read of a mutable memtable, so code reading those families
//     uses iterators (one sort), never point lookups.
//   - one LRU block cache (64 MB in 16 shards of 4 MB) holds data, index
//     and filter blocks, so memory stays flat as the store grows (peak RSS
//     measured 235 MB at 0.5M events, 374 MB at 4M: memtables filling their
//     384 MB budget, then flat).
//   - memtables: 64 MB for log, 32 MB for the others, and 2 background jobs
//     (2 cores); L0 slowdown/stop triggers raised so a bulk ingest is not
//     throttled while compaction catches up.
//   - a writable store flushes its memtables when closed, so that readers
//     (read-only opens replay the WAL) start fast and the data of a closed
//     store lives in checksummed SST files (one family after the other:
//     see ~RocksDb for why not in parallel).
//
// Thread-safety: RocksDb is thread-compatible (used by one Store).
#pragma once

#include <rocksdb/db.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/keys.h"

namespace authtrail::store::store_internal {

// Converts a RocksDB status: Corruption -> kCorruption; Busy/TimedOut/
// TryAgain -> kBusy; NotSupported -> kUnsupported; NotFound -> kNotFound;
// InvalidArgument -> `invalid_argument_as`; everything else -> kIOError.
// The message is "<what>: <rocksdb message>".
Status FromRocks(const rocksdb::Status& s, std::string_view what,
                 StatusCode invalid_argument_as = StatusCode::kIOError);

// Read options for every read: checksums verified; `snapshot` may be null.
rocksdb::ReadOptions ReadOpts(const rocksdb::Snapshot* snapshot = nullptr);

class RocksDb {
 public:
  // Opens the RocksDB database in `dir` with every column family it has
  // (extra ones, e.g. from a newer format, with default options, so the
  // format version can be read and refused cleanly). Writable opens create
  // our missing column families, and the database itself when `create`.
  // A read-only open leaves a missing column family's handle null.
  //   kCorruption  RocksDB reports corruption or the database is malformed
  //   kIOError     anything else
  static Result<std::unique_ptr<RocksDb>> Open(const std::string& dir, bool writable, bool create);

  // Flushes the memtables when writable (see above), then closes.
  ~RocksDb();
  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  rocksdb::DB* db() const { return db_; }
  // Null only for a read-only open of a database that lacks the family.
  rocksdb::ColumnFamilyHandle* cf(Cf cf) const { return cfs_[static_cast<size_t>(cf)]; }

 private:
  RocksDb() = default;
  Status OpenDb(const std::string& dir, bool create);

  bool writable_ = false;
  std::shared_ptr<rocksdb::Cache> cache_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // every opened family
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> cfs_{};
};

}  // namespace authtrail::store::store_internal
