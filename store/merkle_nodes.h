// The Merkle tree's nodes in the merkle column family: a NodeSource reading
// them and the writes that persist what Frontier::Append finalizes. Internal
// to store/.
//
// Format: key level(1) index(8, big-endian) -> the node's 32-byte hash
// (store/keys.h). Only complete nodes are stored, each written once, in the
// WriteBatch that appends its last leaf (evidence/merkle.h "Storage model").
//
// Thread-safety: StoredNodes is thread-safe (RocksDB reads only); it borrows
// the db and family, which must outlive it.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <span>
#include <string>

#include "evidence/merkle.h"

namespace authtrail::store::store_internal {

// "merkle node (level, index)", for messages.
std::string NodeName(evidence::NodeId id);

class StoredNodes final : public evidence::NodeSource {
 public:
  // `snapshot` may be null (latest state).
  StoredNodes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
              const rocksdb::Snapshot* snapshot = nullptr)
      : db_(db), cf_(cf), snapshot_(snapshot) {}
  // kNotFound "merkle node (L, I) missing"; kCorruption when its value is not
  // 32 bytes or RocksDB reports corruption; kIOError otherwise.
  Result<evidence::Hash> GetNode(evidence::NodeId id) const override;

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  const rocksdb::Snapshot* snapshot_;
};

// Adds a Put of each node to `batch`. `key` is a reused buffer.
void PutNodes(std::span<const evidence::Node> nodes, rocksdb::ColumnFamilyHandle* cf,
              rocksdb::WriteBatch* batch, std::string* key);

// A node that must exist is missing: our own store is damaged.
Status MissingNodeIsCorruption(const Status& s);

}  // namespace authtrail::store::store_internal
