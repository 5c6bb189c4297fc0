// The Merkle tree's nodes: a NodeSource reading them and the writes that
// persist what Frontier::Append finalizes. Internal to store/.
//
// Format: key level(1) index(8, big-endian) -> the node's 32-byte hash
// (store/keys.h). Only complete nodes of level >= the store's
// merkle_min_level K are stored, each written once, in the WriteBatch that
// appends its last leaf (evidence/merkle.h "Storage model"). A node of level
// L < K is recomputed on demand from its 2^L records (one log iterator, each
// record decoded and verified as Get does): at most 2^K - 1 leaves per proof,
// in exchange for 1/2^K of the entries at append (docs/format.md "merkle").
// Rejected alternative: storing only the leaves (level 0) and recomputing
// parents, which keeps one entry per record, the larger half of the cost.
//
// Thread-safety: StoredNodes is thread-safe (RocksDB reads only); it borrows
// the db and families, which must outlive it.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <span>
#include <string>
#include <vector>

#include "evidence/merkle.h"

namespace authtrail::store::store_internal {

// "merkle node (level, index)", for messages.
std::string NodeName(evidence::NodeId id);

// Folds consecutive leaves, as Frontier::Append does, into the root of their
// perfect subtree: the stack holds one subtree root per set bit of the count.
class SubtreeHasher {
 public:
  void Add(const evidence::Hash& leaf);
  // REQUIRES: a power of 2 of leaves were added since the last Clear().
  const evidence::Hash& Root() const { return stack_.front(); }
  void Clear() {
    stack_.clear();
    added_ = 0;
  }

 private:
  std::vector<evidence::Hash> stack_;
  uint64_t added_ = 0;
};

class StoredNodes final : public evidence::NodeSource {
 public:
  // Levels >= `min_level` are read from `merkle`, lower ones recomputed from
  // `log`. `snapshot` may be null (latest state).
  StoredNodes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* merkle,
              rocksdb::ColumnFamilyHandle* log, uint32_t min_level,
              const rocksdb::Snapshot* snapshot = nullptr)
      : db_(db), merkle_(merkle), log_(log), min_level_(min_level), snapshot_(snapshot) {}
  // A stored level: kNotFound "merkle node (L, I) missing"; kCorruption when
  // its value is not 32 bytes or RocksDB reports corruption; kIOError
  // otherwise. A recomputed level: kCorruption "seq N: ..." when one of its
  // records is missing or does not decode; kIOError when the log cannot be
  // read.
  Result<evidence::Hash> GetNode(evidence::NodeId id) const override;

  // The hash of the perfect subtree over leaves [first, first + count) read
  // from the log (seq = leaf + 1). REQUIRES: count is a power of 2.
  Result<evidence::Hash> Recompute(uint64_t first, uint64_t count) const;

 private:
  Result<evidence::Hash> ReadStored(evidence::NodeId id) const;

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* merkle_;
  rocksdb::ColumnFamilyHandle* log_;
  uint32_t min_level_;
  const rocksdb::Snapshot* snapshot_;
};

class StoreImpl;
// The store's nodes (its merkle family, its log and its merkle_min_level).
StoredNodes NodesOf(const StoreImpl& store, const rocksdb::Snapshot* snapshot = nullptr);

// Adds a Put to `batch` of each node of level >= `min_level`. `key` is a
// reused buffer.
void PutNodes(std::span<const evidence::Node> nodes, uint32_t min_level,
              rocksdb::ColumnFamilyHandle* cf, rocksdb::WriteBatch* batch, std::string* key);

// A node that must exist is missing: our own store is damaged.
Status MissingNodeIsCorruption(const Status& s);

}  // namespace authtrail::store::store_internal
