// Appending: BeginBatch and the BatchWriter.
//
// Every record goes through one path: seq = head + 1; log[seq] = encoded
// record; chain[seq] = SHA-256(head hash || ChainBytes); the leaf
// HashLeaf(ChainBytes) is appended to the writer's Merkle frontier and every
// node that completes at a level >= the store's merkle_min_level goes to
// merkle (store/merkle_nodes.h); the head moves. An
// event also gets its index entries, its dedup entry and, for an org seen for
// the first time, its org number; a batch record gets its batches entry. All
// of it lands in the pending rocksdb::WriteBatch, which Flush() writes with
// the new head as ONE atomic write: a crash keeps all of a group or none.
// A full group is handed to the GroupWriter's thread, and the next group is
// built while RocksDB writes it; its keys and org numbers stay visible to
// FindDuplicate / OrgNumberFor as "in flight" until the write is settled, and
// only then are they published to the StoreImpl (CommitGroup), with the
// frontier copied when the group was submitted: a failed write leaves the
// StoreImpl's frontier describing the disk.
//
// Per event: one Canonical() (hashed for the chain, and for the dedup key of
// events without id), one FlatBuffers encode into a reused builder, one
// bloom-filtered dedup lookup, reused key buffers. The pending group's dedup
// keys are also kept in memory (bounded by events_per_write) so duplicates
// inside one group are caught before RocksDB has seen them.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <unordered_map>

#include "common/coding.h"
#include "schemas/canonical.h"
#include "store/group_writer.h"
#include "store/merkle_nodes.h"
#include "store/store_impl.h"

namespace authtrail::store::store_internal {
namespace {

// A dedup key written by the pending group.
struct PendingKey {
  uint64_t seq = 0;
  std::string canonical;  // 'i' keys only: tells a duplicate from a conflict
};

Status Conflict(uint64_t seq) {
  return Status::AlreadyExists("id already stored with different content (seq " +
                               std::to_string(seq) + ")");
}

class BatchWriterImpl final : public BatchWriter {
 public:
  BatchWriterImpl(StoreImpl* store, uint32_t number)
      : store_(store),
        number_(number),
        head_(store->head()),
        frontier_(store->frontier()),
        batch_(std::make_unique<rocksdb::WriteBatch>()),
        group_writer_(store->db()) {
    pending_keys_.reserve(store->options().events_per_write);
  }
  ~BatchWriterImpl() override {
    // An abandoned batch still lets its group in flight land (it is whole).
    Status settled = Settle();
    (void)settled;
    if (!finished_) store_->ReleaseWriter();
  }

  Status Begin(const BatchBeginInfo& begin);
  Result<AddOutcome> Add(const Event& e) override;
  Status Flush() override;
  Status Finish(BatchEndInfo end) override;
  uint32_t number() const override { return number_; }

 private:
  Status CheckUsable() const;
  static Status CheckForStore(const Event& e);
  Result<std::optional<AddOutcome>> FindDuplicate();
  Result<AddOutcome> CompareWithStored(uint64_t seq);
  void AppendEvent(const Event& e);
  void AppendRecord(std::string_view record, std::string_view chain_bytes);
  void AppendBatchRecord(const StoredRecord& r, bool end);
  uint32_t OrgNumberFor(const std::string& org);
  void PutDedupKeys();
  void Put(Cf cf, std::string_view key, std::string_view value);
  Status SubmitGroup();
  Status Settle();

  StoreImpl* const store_;  // borrowed; outlives this writer
  const uint32_t number_;
  Head head_;                                   // after the pending records
  evidence::Frontier frontier_;                 // over 1..head_.seq
  std::vector<evidence::Node> nodes_;           // reused per record
  std::unique_ptr<rocksdb::WriteBatch> batch_;  // the group being built
  std::unique_ptr<rocksdb::WriteBatch> spare_;  // a written group's, for reuse
  std::unordered_map<std::string, PendingKey> pending_keys_;
  std::vector<std::pair<std::string, uint32_t>> new_orgs_;  // pending org numbers
  // The group being written by group_writer_ (when in_flight_).
  bool in_flight_ = false;
  Head in_flight_head_;
  evidence::Frontier in_flight_frontier_;
  std::unordered_map<std::string, PendingKey> in_flight_keys_;
  std::vector<std::pair<std::string, uint32_t>> in_flight_orgs_;
  size_t pending_events_ = 0;
  Status failed_;  // sticky: after a failed write nothing more is appended
  bool finished_ = false;
  RecordEncoder encoder_;
  std::string canonical_, dedup_key_, key_, seq_key_;  // reused per event
  GroupWriter group_writer_;  // last: its thread stops before the rest goes
};

Status BatchWriterImpl::Begin(const BatchBeginInfo& begin) {
  AppendBatchRecord({number_, begin}, /*end=*/false);
  return Flush();
}

Status BatchWriterImpl::CheckUsable() const {
  if (!failed_.ok()) return failed_;
  if (finished_)
    return Status::FailedPrecondition("batch " + std::to_string(number_) + " is finished");
  return Status::Ok();
}

// The store must never hold a record its own reader calls corrupt.
Status BatchWriterImpl::CheckForStore(const Event& e) {
  AT_RETURN_IF_ERROR(ValidateEvent(e));
  for (const auto* name : {&e.user, &e.app}) {
    if (name->has_value() && (*name)->size() > kMaxIndexedNameSize) {
      return Status::InvalidArgument("user or app longer than " +
                                     std::to_string(kMaxIndexedNameSize) + " bytes");
    }
  }
  return Status::Ok();
}

Result<AddOutcome> BatchWriterImpl::Add(const Event& e) {
  AT_RETURN_IF_ERROR(CheckUsable());
  AT_RETURN_IF_ERROR(CheckForStore(e));
  canonical_.clear();
  AppendCanonical(e, &canonical_);
  dedup_key_.clear();
  AppendDedupKey(e, canonical_, &dedup_key_);
  AT_ASSIGN_OR_RETURN(const std::optional<AddOutcome> duplicate, FindDuplicate());
  if (duplicate) return *duplicate;
  AT_RETURN_IF_ERROR(store_->InvalidateCheckpoints(
      e.org, e.ts, e.kind == Kind::kOrgCreated || e.kind == Kind::kOrgEnforcement, batch_.get()));
  AppendEvent(e);
  if (++pending_events_ >= store_->options().events_per_write) AT_RETURN_IF_ERROR(SubmitGroup());
  return AddOutcome::kStored;
}

// nullopt when the event is new.
Result<std::optional<AddOutcome>> BatchWriterImpl::FindDuplicate() {
  const bool by_id = IsIdDedupKey(dedup_key_);
  for (const auto* keys : {&pending_keys_, &in_flight_keys_}) {
    if (const auto it = keys->find(dedup_key_); it != keys->end()) {
      if (by_id && it->second.canonical != canonical_) return Conflict(it->second.seq);
      return std::optional(AddOutcome::kDuplicate);
    }
  }
  rocksdb::PinnableSlice value;
  rocksdb::Status s = store_->db()->Get(ReadOpts(), store_->cf(Cf::kDedup), dedup_key_, &value);
  if (s.IsNotFound()) return std::optional<AddOutcome>();
  AT_RETURN_IF_ERROR(FromRocks(s, "cannot read the dedup index"));
  uint64_t seq = 0;
  if (!ParseSeqKey(value.ToStringView(), &seq)) {
    return Status::Corruption("dedup entry " + KeyForMessage(dedup_key_) + " is malformed");
  }
  if (!by_id) return std::optional(AddOutcome::kDuplicate);
  AT_ASSIGN_OR_RETURN(const AddOutcome outcome, CompareWithStored(seq));
  return std::optional(outcome);
}

Result<AddOutcome> BatchWriterImpl::CompareWithStored(uint64_t seq) {
  Result<StoredRecord> stored = store_->ReadRecord(seq, nullptr);
  if (stored.status().code() == StatusCode::kNotFound) {
    return Status::Corruption(stored.status().message() + " (the dedup index points to it)");
  }
  AT_RETURN_IF_ERROR(stored.status());
  const Event* e = std::get_if<Event>(&stored->body);
  if (e == nullptr) {
    return Status::Corruption("seq " + std::to_string(seq) +
                              ": the dedup index points to a batch record");
  }
  if (Canonical(*e) != canonical_) return Conflict(seq);
  return AddOutcome::kDuplicate;
}

void BatchWriterImpl::Put(Cf cf, std::string_view key, std::string_view value) {
  // WriteBatch::Put only fails beyond 4 GB per batch, far above any group.
  rocksdb::Status s = batch_->Put(store_->cf(cf), key, value);
  (void)s;
}

void BatchWriterImpl::AppendRecord(std::string_view record, std::string_view chain_bytes) {
  Sha256 chain;
  chain.Update(head_.hash);
  chain.Update(chain_bytes);
  head_.hash = chain.Finish();
  ++head_.seq;
  seq_key_.clear();
  AppendSeqKey(head_.seq, &seq_key_);
  Put(Cf::kLog, seq_key_, record);
  Put(Cf::kChain, seq_key_,
      std::string_view(reinterpret_cast<const char*>(head_.hash.data()), head_.hash.size()));
  if (store_->options().bench_skip_merkle) return;  // store.h: benchmark only
  frontier_.Append(evidence::HashLeaf(chain_bytes), &nodes_);
  PutNodes(nodes_, store_->merkle_min_level(), store_->cf(Cf::kMerkle), batch_.get(), &key_);
  nodes_.clear();
}

void BatchWriterImpl::AppendEvent(const Event& e) {
  const uint32_t orgnum = OrgNumberFor(e.org);
  AppendRecord(encoder_.EncodeEvent(number_, e), canonical_);
  for (Index ix : kIndexes) {
    key_.clear();
    if (AppendIndexKey(ix, e, orgnum, head_.seq, &key_)) Put(IndexCf(ix), key_, {});
  }
  PendingKey& pending = pending_keys_[dedup_key_];  // written, sorted, by Flush
  pending.seq = head_.seq;
  if (IsIdDedupKey(dedup_key_)) pending.canonical = canonical_;
}

// Dedup keys are hashes and source ids: random order. Inserting a group's
// keys sorted lets RocksDB's skiplist reuse its last insert position instead
// of searching from the top for each (the dedup memtable must stay a
// skiplist: every Add looks a key up in it).
void BatchWriterImpl::PutDedupKeys() {
  std::vector<const std::pair<const std::string, PendingKey>*> sorted;
  sorted.reserve(pending_keys_.size());
  for (const auto& entry : pending_keys_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : sorted) {
    seq_key_.clear();
    AppendSeqKey(entry->second.seq, &seq_key_);
    Put(Cf::kDedup, entry->first, seq_key_);
  }
}

void BatchWriterImpl::AppendBatchRecord(const StoredRecord& r, bool end) {
  AppendRecord(encoder_.Encode(r), ChainBytes(r));
  Put(Cf::kBatches, seq_key_, EncodeBatchEntry({number_, end}));
}

uint32_t BatchWriterImpl::OrgNumberFor(const std::string& org) {
  if (const uint32_t n = store_->OrgNumber(org)) return n;
  for (const auto* orgs : {&in_flight_orgs_, &new_orgs_}) {
    for (const auto& [name, n] : *orgs) {
      if (name == org) return n;
    }
  }
  const uint32_t n =
      store_->org_count() + static_cast<uint32_t>(in_flight_orgs_.size() + new_orgs_.size()) + 1;
  new_orgs_.emplace_back(org, n);
  std::string value;
  PutBigEndian32(&value, n);
  Put(Cf::kMeta, std::string(kMetaOrgPrefix) + org, value);
  return n;
}

// Hands the pending group to the GroupWriter (after settling the previous
// one) and starts an empty group.
Status BatchWriterImpl::SubmitGroup() {
  AT_RETURN_IF_ERROR(CheckUsable());
  if (batch_->Count() == 0) return Status::Ok();
  PutDedupKeys();
  Put(Cf::kMeta, kMetaHead, EncodeHead(head_));
  AT_RETURN_IF_ERROR(Settle());
  in_flight_head_ = head_;
  in_flight_frontier_ = frontier_;
  in_flight_keys_.swap(pending_keys_);
  in_flight_orgs_.swap(new_orgs_);
  in_flight_ = true;
  if (Status s = group_writer_.Submit(std::move(batch_)); !s.ok()) failed_ = s;
  batch_ = spare_ ? std::move(spare_) : std::make_unique<rocksdb::WriteBatch>();
  pending_events_ = 0;
  return failed_;
}

// Waits for the group in flight; publishes it when it was written.
Status BatchWriterImpl::Settle() {
  if (!in_flight_) return Status::Ok();
  in_flight_ = false;
  Status written = group_writer_.Wait();
  if (!written.ok()) {
    failed_ = written;
    return failed_;
  }
  store_->CommitGroup(in_flight_head_, &in_flight_orgs_, number_, in_flight_frontier_);
  in_flight_keys_.clear();
  if (auto used = group_writer_.TakeBack()) {
    used->Clear();
    spare_ = std::move(used);  // keeps its grown buffer for the next group
  }
  return Status::Ok();
}

Status BatchWriterImpl::Flush() {
  AT_RETURN_IF_ERROR(SubmitGroup());
  return Settle();
}

Status BatchWriterImpl::Finish(BatchEndInfo end) {
  AT_RETURN_IF_ERROR(CheckUsable());
  end.number = number_;
  AppendBatchRecord({number_, std::move(end)}, /*end=*/true);
  AT_RETURN_IF_ERROR(Flush());
  finished_ = true;
  store_->ReleaseWriter();
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<BatchWriter>> StoreImpl::BeginBatch(BatchBeginInfo begin) {
  if (!options_.writable) {
    return Status::FailedPrecondition("store " + dir_ + " is open read-only");
  }
  if (writer_active_) {
    return Status::FailedPrecondition("a batch is already being written to " + dir_);
  }
  AT_RETURN_IF_ERROR(tree_status_);  // only a damaged log leaves it set here (merkle.cc)
  begin.number = last_batch_ + 1;
  auto writer = std::make_unique<BatchWriterImpl>(this, begin.number);
  writer_active_ = true;  // released by the writer's destructor or Finish
  AT_RETURN_IF_ERROR(writer->Begin(begin));
  return std::unique_ptr<BatchWriter>(std::move(writer));
}

}  // namespace authtrail::store::store_internal
