// The store's Merkle tree: loading the frontier at open, building the tree of
// a store made before it was kept (backfill), and the tree head and proofs.
//
// At open the frontier over 1..head is read from its popcount(head) covering
// nodes (those below merkle_min_level recomputed from the last records of the
// log). When a stored one is missing the store predates the tree (or a backfill was
// interrupted): a writable open rebuilds every node from the log, streaming,
// in WriteBatches of kBackfillRecords records (rewriting a node rewrites the
// same bytes, so an interrupted backfill is simply redone); a read-only open
// cannot write and reports the tree as not available instead.
#include <rocksdb/write_batch.h>

#include <cassert>
#include <cstring>

#include "store/merkle_nodes.h"
#include "store/store_impl.h"

namespace authtrail::store::store_internal {
namespace {

constexpr uint64_t kBackfillRecords = 10000;

Status NotBuilt(std::string_view why) {
  return Status::FailedPrecondition(
      "the store has no Merkle tree yet (made before authtrail kept one; " + std::string(why) +
      "): open it for writing once, e.g. with `authtrail ingest`, to build it");
}

Status WriteBackfill(rocksdb::DB* db, rocksdb::WriteBatch* batch) {
  AT_RETURN_IF_ERROR(
      FromRocks(db->Write(rocksdb::WriteOptions(), batch), "cannot write the Merkle tree"));
  batch->Clear();
  return Status::Ok();
}

}  // namespace

std::string NodeName(evidence::NodeId id) {
  return "merkle node (" + std::to_string(id.level) + ", " + std::to_string(id.index) + ")";
}

Result<evidence::Hash> StoredNodes::GetNode(evidence::NodeId id) const {
  if (id.level >= min_level_) return ReadStored(id);
  return Recompute(id.index << id.level, uint64_t{1} << id.level);
}

Result<evidence::Hash> StoredNodes::ReadStored(evidence::NodeId id) const {
  std::string key;
  AppendMerkleKey(id.level, id.index, &key);
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(ReadOpts(snapshot_), merkle_, key, &value);
  if (s.IsNotFound()) return Status::NotFound(NodeName(id) + " missing");
  AT_RETURN_IF_ERROR(FromRocks(s, "cannot read " + NodeName(id)));
  evidence::Hash hash;
  if (value.size() != hash.size()) return Status::Corruption(NodeName(id) + " is malformed");
  std::memcpy(hash.data(), value.data(), hash.size());
  return hash;
}

void SubtreeHasher::Add(const evidence::Hash& leaf) {
  stack_.push_back(leaf);
  for (uint64_t n = ++added_; (n & 1) == 0; n >>= 1) {
    const evidence::Hash right = stack_.back();
    stack_.pop_back();
    stack_.back() = evidence::HashChildren(stack_.back(), right);
  }
}

Result<evidence::Hash> StoredNodes::Recompute(uint64_t first, uint64_t count) const {
  assert(count > 0 && (count & (count - 1)) == 0);
  SubtreeHasher subtree;
  std::string key;
  AppendSeqKey(first + 1, &key);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ReadOpts(snapshot_), log_));
  it->Seek(key);
  for (uint64_t seq = first + 1; seq <= first + count; ++seq, it->Next()) {
    uint64_t key_seq = 0;
    if (!it->Valid() || !ParseSeqKey(it->key().ToStringView(), &key_seq) || key_seq != seq) {
      AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read the log"));
      return Status::Corruption("seq " + std::to_string(seq) +
                                ": record missing (recomputing the Merkle tree)");
    }
    AT_ASSIGN_OR_RETURN(const StoredRecord r, StoreImpl::DecodeAt(seq, it->value().ToStringView()));
    subtree.Add(evidence::HashLeaf(ChainBytes(r)));
  }
  return subtree.Root();
}

StoredNodes NodesOf(const StoreImpl& store, const rocksdb::Snapshot* snapshot) {
  return StoredNodes(store.db(), store.cf(Cf::kMerkle), store.cf(Cf::kLog),
                     store.merkle_min_level(), snapshot);
}

void PutNodes(std::span<const evidence::Node> nodes, uint32_t min_level,
              rocksdb::ColumnFamilyHandle* cf, rocksdb::WriteBatch* batch, std::string* key) {
  for (const evidence::Node& n : nodes) {
    if (n.id.level < min_level) continue;
    key->clear();
    AppendMerkleKey(n.id.level, n.id.index, key);
    // WriteBatch::Put only fails beyond 4 GB per batch.
    rocksdb::Status s = batch->Put(
        cf, *key, rocksdb::Slice(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()));
    (void)s;
  }
}

Status MissingNodeIsCorruption(const Status& s) {
  if (s.code() != StatusCode::kNotFound) return s;
  return Status::Corruption(s.message());
}

Status StoreImpl::LoadTree() {
  if (cf(Cf::kMerkle) == nullptr) {  // only read-only opens leave it null
    tree_status_ = NotBuilt("no merkle column family");
    return Status::Ok();
  }
  Result<evidence::Frontier> loaded = evidence::Frontier::Load(head_.seq, NodesOf(*this));
  if (loaded.ok()) {
    frontier_ = std::move(*loaded);
    return Status::Ok();
  }
  if (loaded.status().code() == StatusCode::kCorruption) {
    // A covering node below merkle_min_level over a damaged record: the store
    // still opens (verify names the record); the tree and appends are refused.
    tree_status_ = loaded.status();
    return Status::Ok();
  }
  if (loaded.status().code() != StatusCode::kNotFound) return loaded.status();
  if (!options_.writable) {
    tree_status_ = NotBuilt(loaded.status().message());
    return Status::Ok();
  }
  return BackfillTree();
}

// Streams the log once: seq 1..head, each record's leaf appended and the
// nodes it completes written.
Status StoreImpl::BackfillTree() {
  evidence::Frontier frontier;
  std::vector<evidence::Node> nodes;
  rocksdb::WriteBatch batch;
  std::string key;
  rocksdb::ReadOptions ro = ReadOpts();
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(ro, cf(Cf::kLog)));
  for (it->SeekToFirst(); it->Valid() && frontier.size() < head_.seq; it->Next()) {
    const uint64_t seq = frontier.size() + 1;
    uint64_t key_seq = 0;
    if (!ParseSeqKey(it->key().ToStringView(), &key_seq) || key_seq != seq) break;
    AT_ASSIGN_OR_RETURN(const StoredRecord r, DecodeAt(seq, it->value().ToStringView()));
    frontier.Append(evidence::HashLeaf(ChainBytes(r)), &nodes);
    PutNodes(nodes, merkle_min_level_, cf(Cf::kMerkle), &batch, &key);
    nodes.clear();
    if (seq % kBackfillRecords == 0) AT_RETURN_IF_ERROR(WriteBackfill(db(), &batch));
  }
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read the log"));
  if (frontier.size() != head_.seq) {
    return Status::Corruption("seq " + std::to_string(frontier.size() + 1) +
                              ": record missing (building the Merkle tree)");
  }
  AT_RETURN_IF_ERROR(WriteBackfill(db(), &batch));
  frontier_ = std::move(frontier);
  return Status::Ok();
}

Result<TreeHead> StoreImpl::TreeHeadAt() {
  AT_RETURN_IF_ERROR(tree_status_);
  return TreeHead{frontier_.size(), frontier_.Root()};
}

// `first` <= `last` <= head, with `what` naming the arguments for messages.
Status StoreImpl::CheckTreeRange(uint64_t first, uint64_t last, std::string_view what) const {
  AT_RETURN_IF_ERROR(tree_status_);
  if (first > last || last > head_.seq) {
    return Status::InvalidArgument(std::string(what) + " out of range (the store holds 1.." +
                                   std::to_string(head_.seq) + ")");
  }
  return Status::Ok();
}

Result<std::vector<Digest>> StoreImpl::InclusionProof(uint64_t seq, uint64_t tree_size) {
  const std::string what =
      "record " + std::to_string(seq) + " in the tree of size " + std::to_string(tree_size);
  if (seq == 0) return Status::InvalidArgument(what + ": seqs start at 1");
  AT_RETURN_IF_ERROR(CheckTreeRange(seq, tree_size, what));
  Result<std::vector<Digest>> proof = evidence::InclusionProof(seq - 1, tree_size, NodesOf(*this));
  if (!proof.ok()) return MissingNodeIsCorruption(proof.status());
  return proof;
}

Result<std::vector<Digest>> StoreImpl::ConsistencyProof(uint64_t m, uint64_t n) {
  AT_RETURN_IF_ERROR(CheckTreeRange(
      m, n, "consistency from size " + std::to_string(m) + " to " + std::to_string(n)));
  Result<std::vector<Digest>> proof = evidence::ConsistencyProof(m, n, NodesOf(*this));
  if (!proof.ok()) return MissingNodeIsCorruption(proof.status());
  return proof;
}

}  // namespace authtrail::store::store_internal
