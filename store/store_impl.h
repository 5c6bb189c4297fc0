// StoreImpl: the Store of store.h over RocksDB. Internal to store/.
//
// Its methods are spread by concern: store.cc (open, meta, Get, BeginBatch),
// batch_writer.cc (appending), scan.cc (ScanEvents, ScanBatches), verify.cc,
// merkle.cc (the Merkle tree: loading, backfill, tree head and proofs).
//
// In-memory state mirrors meta: head, org numbers, the last batch number
// and the Merkle frontier (evidence/merkle.h) over the records 1..head. It changes only after a
// WriteBatch has been written (CommitGroup), so a failed write leaves it describing the store on
// disk.
//
// Thread-safety: thread-compatible, like Store. A BatchWriterImpl borrows
// the StoreImpl that created it: the Store must outlive its BatchWriter.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "evidence/merkle.h"
#include "store/keys.h"
#include "store/lock.h"
#include "store/rocks.h"
#include "store/store.h"

namespace authtrail::store::store_internal {

class StoreImpl final : public Store {
 public:
  // Opens (and, when asked, creates) the store in `dir`; see Store::Open.
  static Result<std::unique_ptr<Store>> OpenStore(const std::string& dir,
                                                  const StoreOptions& options);

  Head head() const override { return head_; }
  std::string store_id() const override;
  uint32_t format_version() const override { return format_version_; }
  Result<std::unique_ptr<BatchWriter>> BeginBatch(BatchBeginInfo begin) override;
  Result<StoredRecord> Get(uint64_t seq) override;
  Result<std::vector<uint64_t>> FindBySourceId(std::string_view id) override;
  Status ScanEvents(const ScanFilter& filter,
                    const std::function<Status(uint64_t, const Event&)>& fn) override;
  Status ScanBatches(const std::function<Status(uint64_t, const StoredRecord&)>& fn) override;
  Result<VerifyReport> Verify(const ProgressFn& progress) override;
  Status ClearCheckpoints() override;
  Status PutCheckpoint(const std::string& org, const StateCheckpoint& cp) override;
  Result<std::optional<StateCheckpoint>> FindCheckpoint(const std::string& org,
                                                        MicrosUtc at) override;
  Result<TreeHead> TreeHeadAt() override;
  Result<std::vector<Digest>> InclusionProof(uint64_t seq, uint64_t tree_size) override;
  Result<std::vector<Digest>> ConsistencyProof(uint64_t m, uint64_t n) override;

  // ---- for BatchWriterImpl and the verifier
  rocksdb::DB* db() const { return rocks_->db(); }
  rocksdb::ColumnFamilyHandle* cf(Cf cf) const { return rocks_->cf(cf); }
  const StoreOptions& options() const { return options_; }
  // The org's number, or 0 when the org has none yet.
  uint32_t OrgNumber(const std::string& org) const;
  uint32_t org_count() const { return static_cast<uint32_t>(orgs_.size()); }
  uint32_t last_batch() const { return last_batch_; }
  // Called after a WriteBatch reached RocksDB; `frontier` covers 1..head.seq.
  void CommitGroup(const Head& head, std::vector<std::pair<std::string, uint32_t>>* new_orgs,
                   uint32_t last_batch, const evidence::Frontier& frontier);
  // The Merkle frontier over the records 1..head().seq.
  // REQUIRES: tree_status().ok().
  const evidence::Frontier& frontier() const { return frontier_; }
  // The lowest level whose complete nodes the merkle family holds; nodes
  // below it are recomputed from the log (merkle_nodes.h).
  uint32_t merkle_min_level() const { return merkle_min_level_; }
  // OK when the merkle family holds the tree over 1..head; otherwise why not:
  // kFailedPrecondition for a read-only open of a store made before the tree
  // was kept, kCorruption when a covering node below merkle_min_level could
  // not be recomputed from the log (BeginBatch then refuses to append).
  const Status& tree_status() const { return tree_status_; }
  // Adds to `batch` the deletion of every checkpoint that an appended event
  // of `org` at `ts` invalidates (all of them for constant kinds).
  Status InvalidateCheckpoints(const std::string& org, MicrosUtc ts, bool constants,
                               rocksdb::WriteBatch* batch);
  // The BatchWriter is gone (finished or abandoned).
  void ReleaseWriter() { writer_active_ = false; }
  // Reads and decodes the record at seq (no head check); kCorruption names
  // the seq, kNotFound when the key is absent.
  Result<StoredRecord> ReadRecord(uint64_t seq, const rocksdb::Snapshot* snapshot);
  // Reads the records at `seqs` with one MultiGet: (*out)[i] is the record
  // at seqs[i] or its error, as ReadRecord. *out is replaced.
  void ReadRecords(std::span<const uint64_t> seqs, const rocksdb::Snapshot* snapshot,
                   std::vector<Result<StoredRecord>>* out);
  // Reads and decodes a RocksDB value already fetched for `seq`.
  static Result<StoredRecord> DecodeAt(uint64_t seq, std::string_view value);

 private:
  StoreImpl(std::string dir, StoreOptions options, std::unique_ptr<WriterLock> lock,
            std::unique_ptr<RocksDb> rocks)
      : dir_(std::move(dir)), options_(options), lock_(std::move(lock)), rocks_(std::move(rocks)) {}

  Status Load(bool may_create);
  Status LoadFormatVersion(bool may_create);
  Status LoadMerkleMinLevel();
  Status CreateMeta();
  Status LoadOrgs();
  Status LoadLastBatch();
  Status LoadCheckpointBounds();
  Status CheckColumnFamilies() const;
  // merkle.cc: loads frontier_ (writable opens build a missing tree first).
  Status LoadTree();
  Status BackfillTree();
  Status CheckTreeRange(uint64_t first, uint64_t last, std::string_view what) const;
  Status GetMeta(std::string_view key, std::string* value) const;

  std::string dir_;
  StoreOptions options_;
  std::unique_ptr<WriterLock> lock_;  // null when read-only; released after rocks_ closes
  std::unique_ptr<RocksDb> rocks_;
  uint32_t format_version_ = 0;
  uint32_t merkle_min_level_ = 0;  // meta; 0 (every level) for format 1
  std::string store_id_;           // 16 raw bytes
  Head head_;
  std::unordered_map<std::string, uint32_t> orgs_;
  uint32_t last_batch_ = 0;
  evidence::Frontier frontier_;
  Status tree_status_;
  bool writer_active_ = false;
  // Per org with checkpoints, the largest `before` (writable stores only).
  std::unordered_map<std::string, MicrosUtc> checkpoint_bounds_;
};

}  // namespace authtrail::store::store_internal
