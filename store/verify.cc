// Store::Verify: recomputes the integrity chain and checks every secondary
// column family against the log, all under one snapshot, in memory bounded by
// a chunk whatever the store's size.
//
// Pass 1 walks the log and chain column families together in seq order.
// For each seq: both keys exist, seqs run 1..head with no gap and nothing
// beyond, the record decodes (FlatBuffers verifier), SHA-256(previous hash
// || ChainBytes(record)) equals the stored chain hash, batch records are
// numbered 1, 2, ... and each BatchEnd closes the open batch, and every event
// sits inside a batch and carries its number. The last hash must be the
// head's. For each record it also derives the entries the secondary families
// (by_time, by_org, by_user, by_app, dedup, batches) must hold, and adds them
// to a per-family multiset digest: a count and the sum (mod 2^64, per lane)
// of a 128-bit SipHash of each entry under a key drawn at random for this
// run, so no stored content can be prepared to cancel out.
//
// Pass 2 scans each secondary family in key order (sequential reads only) and
// computes the same digest over what is there. Equal digests mean the family
// holds exactly the expected entries. Only a family that differs is checked
// entry by entry (each entry's record fetched and its expected entry
// compared), then, if every entry there is valid, the log is walked to find
// the first record lacking its entry; the lowest bad seq is reported.
//
// The Merkle tree: pass 1 also appends each record's leaf to a frontier and
// adds every node that completes at a stored level (>= the store's
// merkle_min_level K) to the merkle family's expected digest. After pass 2,
// the merkle family is digested the same way; equal digests mean it holds
// exactly the stored levels of the tree recomputed from the log, and the root
// from its nodes (the lower ones recomputed from the log) must be the
// frontier's. Otherwise: a node below K is named, then each level-K node is
// compared with its records in seq order (naming the first bad one: for K =
// 0 the leaf of a record), then each higher node with its two stored
// children (naming the first bad node).
//
// Problems are kCorruption "seq N: what" (or naming the merkle node).
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "common/coding.h"
#include "schemas/canonical.h"
#include "store/merkle_nodes.h"
#include "store/store_impl.h"

namespace authtrail::store::store_internal {
namespace {

constexpr size_t kChunk = 1024;
constexpr uint64_t kProgressEvery = 4096;
constexpr std::array<Cf, 6> kSecondary = {Cf::kByTime, Cf::kByOrg, Cf::kByUser,
                                          Cf::kByApp,  Cf::kDedup, Cf::kBatches};

std::string At(uint64_t seq) { return "seq " + std::to_string(seq) + ": "; }
Status Bad(uint64_t seq, std::string_view what) {
  return Status::Corruption(At(seq) + std::string(what));
}
std::string_view View(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

std::optional<Index> IndexOf(Cf cf) {
  for (Index ix : kIndexes) {
    if (IndexCf(ix) == cf) return ix;
  }
  return std::nullopt;
}

// One entry of a secondary column family and the seq it refers to.
struct Entry {
  std::string key, value;
  uint64_t seq = 0;
};

// The entry record `r` at `seq` must have in `cf`; false when it has none.
// `canonical` is Canonical(event) for events (used by dedup).
bool ExpectedEntry(Cf cf, uint64_t seq, const StoredRecord& r, uint32_t orgnum,
                   std::string_view canonical, Entry* out) {
  out->key.clear();
  out->value.clear();
  out->seq = seq;
  const Event* e = std::get_if<Event>(&r.body);
  if (cf == Cf::kBatches) {
    if (e != nullptr) return false;
    AppendSeqKey(seq, &out->key);
    const bool end = std::holds_alternative<BatchEndInfo>(r.body);
    out->value = EncodeBatchEntry({r.batch, end});
    return true;
  }
  if (e == nullptr) return false;
  if (cf == Cf::kDedup) {
    AppendDedupKey(*e, canonical, &out->key);
    AppendSeqKey(seq, &out->value);
    return true;
  }
  return AppendIndexKey(*IndexOf(cf), *e, orgnum, seq, &out->key);
}

// Reads the seq an entry refers to; false when the entry is malformed.
bool EntrySeq(Cf cf, Entry* entry) {
  if (cf == Cf::kBatches) return ParseSeqKey(entry->key, &entry->seq);
  if (cf == Cf::kDedup) return ParseSeqKey(entry->value, &entry->seq);
  IndexSuffix at;
  if (!ParseIndexSuffix(entry->key, &at)) return false;
  entry->seq = at.seq;
  return true;
}

// Multiset digest of a family's entries (see the file comment).
class EntryDigest {
 public:
  explicit EntryDigest(const std::array<uint8_t, 16>& key) : key_(key) {}
  EntryDigest(const EntryDigest&) = default;
  void Add(std::string_view key, std::string_view value) {
    buf_.clear();
    PutBigEndian32(&buf_, static_cast<uint32_t>(key.size()));  // unambiguous split
    buf_.append(key).append(value);
    std::array<uint8_t, 16> h;
    crypto_shorthash_siphashx24(h.data(), reinterpret_cast<const uint8_t*>(buf_.data()),
                                buf_.size(), key_.data());
    uint64_t lanes[2];
    std::memcpy(lanes, h.data(), sizeof(lanes));
    sum_[0] += lanes[0];
    sum_[1] += lanes[1];
    ++count_;
  }
  uint64_t count() const { return count_; }
  bool operator==(const EntryDigest& o) const { return count_ == o.count_ && sum_ == o.sum_; }

 private:
  std::array<uint8_t, 16> key_;
  std::string buf_;
  std::array<uint64_t, 2> sum_{};
  uint64_t count_ = 0;
};

class Verifier {
 public:
  Verifier(StoreImpl& store, const ProgressFn& progress);
  ~Verifier() { store_.db()->ReleaseSnapshot(snapshot_); }
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  Result<VerifyReport> Run();

 private:
  rocksdb::ReadOptions ScanOpts() const;
  std::unique_ptr<rocksdb::Iterator> Iterate(Cf cf) const;
  EntryDigest& Expected(Cf cf) { return expected_[static_cast<size_t>(cf)]; }
  void Progress(uint64_t done, bool force = false);
  Status ReadHead();
  uint32_t OrgNumberOf(const StoredRecord& r) const;
  // pass 1
  Status CheckLog();
  Status CheckChainStep(uint64_t log_seq, uint64_t chain_seq, uint64_t expect) const;
  Status CheckRecord(uint64_t seq, std::string_view value, std::string_view chain);
  Status CheckBatchOrder(uint64_t seq, const StoredRecord& r);
  Status AddExpectedEntries(uint64_t seq, const StoredRecord& r, std::string_view chain_bytes);
  // pass 2
  Result<bool> FamilyMatches(Cf cf);
  Status CheckFamilyEntries(Cf cf);
  Status CheckChunk(Cf cf, const std::vector<Entry>& chunk);
  Status FindMissing(Cf cf);
  void Note(uint64_t seq, std::string what);
  // the Merkle tree
  Status CheckTree();
  Result<bool> HasNodes();
  Status FindNodeBelowMinLevel();
  Status FindBadLowestNode();
  Status CheckLowestNode(evidence::NodeId id, uint64_t first, const evidence::Hash& want,
                         rocksdb::Iterator* it);
  Status FindBadInnerNode();
  Status CheckLevel(uint32_t level, const StoredNodes& nodes);

  StoreImpl& store_;
  const ProgressFn& progress_;
  const rocksdb::Snapshot* snapshot_;
  std::array<uint8_t, 16> digest_key_;  // random per run
  Head head_;                           // meta's head under the snapshot
  VerifyReport report_;
  Digest prev_{};
  uint32_t open_batch_ = 0;  // number of the last BatchBegin
  bool batch_ended_ = false;
  std::vector<EntryDigest> expected_;  // indexed by Cf
  Entry scratch_;
  std::optional<std::pair<uint64_t, std::string>> problem_;  // lowest bad seq in pass 2
  uint64_t family_problems_ = 0;  // problems noted in the family being checked
  evidence::Frontier tree_;       // recomputed from the log
  std::vector<evidence::Node> nodes_;
  std::string node_key_;
};

Verifier::Verifier(StoreImpl& store, const ProgressFn& progress)
    : store_(store), progress_(progress), snapshot_(store.db()->GetSnapshot()) {
  randombytes_buf(digest_key_.data(), digest_key_.size());
  expected_.assign(kCfCount, EntryDigest(digest_key_));
}

rocksdb::ReadOptions Verifier::ScanOpts() const {
  rocksdb::ReadOptions ro = ReadOpts(snapshot_);
  ro.fill_cache = false;  // one pass over everything: do not evict the working set
  return ro;
}

std::unique_ptr<rocksdb::Iterator> Verifier::Iterate(Cf cf) const {
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(ScanOpts(), store_.cf(cf)));
  it->SeekToFirst();
  return it;
}

// Pass 1 counts as the first half of the work, pass 2 as the second.
void Verifier::Progress(uint64_t done, bool force) {
  if (progress_ && (force || done % kProgressEvery == 0)) progress_(done, 2 * head_.seq);
}

Status Verifier::ReadHead() {
  std::string value;
  rocksdb::Status s =
      store_.db()->Get(ReadOpts(snapshot_), store_.cf(Cf::kMeta), kMetaHead, &value);
  if (s.IsNotFound()) return Status::Corruption("meta: head is missing");
  AT_RETURN_IF_ERROR(FromRocks(s, "cannot read the head"));
  if (!DecodeHead(value, &head_)) return Status::Corruption("meta: head is malformed");
  return Status::Ok();
}

uint32_t Verifier::OrgNumberOf(const StoredRecord& r) const {
  const Event* e = std::get_if<Event>(&r.body);
  return e == nullptr ? 0 : store_.OrgNumber(e->org);
}

Result<VerifyReport> Verifier::Run() {
  if (sodium_init() < 0) return Status::IOError("libsodium cannot be initialised");
  AT_RETURN_IF_ERROR(ReadHead());
  AT_RETURN_IF_ERROR(CheckLog());
  for (size_t i = 0; i < kSecondary.size(); ++i) {
    AT_ASSIGN_OR_RETURN(const bool matches, FamilyMatches(kSecondary[i]));
    if (!matches) AT_RETURN_IF_ERROR(CheckFamilyEntries(kSecondary[i]));
    Progress(head_.seq + head_.seq * (i + 1) / kSecondary.size(), /*force=*/true);
  }
  if (problem_) return Bad(problem_->first, problem_->second);
  AT_RETURN_IF_ERROR(CheckTree());
  report_.head = head_;
  return report_;
}

// ---- pass 1

Status Verifier::CheckLog() {
  std::unique_ptr<rocksdb::Iterator> log = Iterate(Cf::kLog), chain = Iterate(Cf::kChain);
  constexpr uint64_t kEnd = std::numeric_limits<uint64_t>::max();
  uint64_t expect = 1;
  while (log->Valid() || chain->Valid()) {
    uint64_t log_seq = kEnd, chain_seq = kEnd;
    if (log->Valid() && !ParseSeqKey(log->key().ToStringView(), &log_seq)) {
      return Status::Corruption("log: malformed key " + KeyForMessage(log->key().ToStringView()));
    }
    if (chain->Valid() && !ParseSeqKey(chain->key().ToStringView(), &chain_seq)) {
      return Status::Corruption("chain: malformed key " +
                                KeyForMessage(chain->key().ToStringView()));
    }
    AT_RETURN_IF_ERROR(CheckChainStep(log_seq, chain_seq, expect));
    AT_RETURN_IF_ERROR(
        CheckRecord(expect, log->value().ToStringView(), chain->value().ToStringView()));
    Progress(expect);
    log->Next();
    chain->Next();
    ++expect;
  }
  AT_RETURN_IF_ERROR(FromRocks(log->status(), "cannot read the log"));
  AT_RETURN_IF_ERROR(FromRocks(chain->status(), "cannot read the chain"));
  if (expect <= head_.seq) {
    return Bad(expect, "record missing (the head is seq " + std::to_string(head_.seq) + ")");
  }
  if (prev_ != head_.hash) return Bad(head_.seq, "head hash does not match the chain");
  return Status::Ok();
}

// Both families must hold exactly `expect` next (kEnd = exhausted).
Status Verifier::CheckChainStep(uint64_t log_seq, uint64_t chain_seq, uint64_t expect) const {
  const uint64_t seq = std::min(log_seq, chain_seq);
  if (seq < expect) return Bad(seq, "unexpected record");
  if (seq > expect) return Bad(expect, "record missing");
  if (seq > head_.seq) {
    return Bad(seq, "unexpected record beyond the head (seq " + std::to_string(head_.seq) + ")");
  }
  if (log_seq != seq) return Bad(seq, "record missing (its chain hash is present)");
  if (chain_seq != seq) return Bad(seq, "chain hash missing");
  return Status::Ok();
}

Status Verifier::CheckRecord(uint64_t seq, std::string_view value, std::string_view chain) {
  AT_ASSIGN_OR_RETURN(const StoredRecord r, StoreImpl::DecodeAt(seq, value));
  const std::string chain_bytes = ChainBytes(r);
  Sha256 h;
  h.Update(prev_);
  h.Update(chain_bytes);
  const Digest hash = h.Finish();
  if (chain != View(hash)) return Bad(seq, "record modified (chain hash mismatch)");
  prev_ = hash;
  AT_RETURN_IF_ERROR(CheckBatchOrder(seq, r));
  return AddExpectedEntries(seq, r, chain_bytes);
}

Status Verifier::CheckBatchOrder(uint64_t seq, const StoredRecord& r) {
  ++report_.records;
  if (const auto* begin = std::get_if<BatchBeginInfo>(&r.body)) {
    if (begin->number != open_batch_ + 1 || r.batch != begin->number) {
      return Bad(seq, "batch.begin " + std::to_string(begin->number) + " out of sequence");
    }
    open_batch_ = begin->number;
    batch_ended_ = false;
    ++report_.batches;
    return Status::Ok();
  }
  if (const auto* end = std::get_if<BatchEndInfo>(&r.body)) {
    if (end->number != open_batch_ || r.batch != end->number || batch_ended_) {
      return Bad(seq,
                 "batch.end " + std::to_string(end->number) + " does not close the open batch");
    }
    batch_ended_ = true;
    return Status::Ok();
  }
  ++report_.events;
  if (open_batch_ == 0 || batch_ended_) return Bad(seq, "event outside any batch");
  if (r.batch != open_batch_) {
    return Bad(seq, "event is marked batch " + std::to_string(r.batch) + " but is in batch " +
                        std::to_string(open_batch_));
  }
  return Status::Ok();
}

// For an event, chain_bytes is its canonical form (record_codec.h).
Status Verifier::AddExpectedEntries(uint64_t seq, const StoredRecord& r,
                                    std::string_view chain_bytes) {
  const Event* e = std::get_if<Event>(&r.body);
  const uint32_t orgnum = OrgNumberOf(r);
  if (e != nullptr && orgnum == 0) return Bad(seq, "org " + e->org + " has no number in meta");
  tree_.Append(evidence::HashLeaf(chain_bytes), &nodes_);
  for (const evidence::Node& n : nodes_) {
    if (n.id.level < store_.merkle_min_level()) continue;  // recomputed, not stored
    node_key_.clear();
    AppendMerkleKey(n.id.level, n.id.index, &node_key_);
    Expected(Cf::kMerkle).Add(node_key_, View(n.hash));
  }
  nodes_.clear();
  for (Cf cf : kSecondary) {
    if (ExpectedEntry(cf, seq, r, orgnum, chain_bytes, &scratch_)) {
      Expected(cf).Add(scratch_.key, scratch_.value);
    }
  }
  return Status::Ok();
}

// ---- pass 2

Result<bool> Verifier::FamilyMatches(Cf cf) {
  EntryDigest found(digest_key_);
  std::unique_ptr<rocksdb::Iterator> it = Iterate(cf);
  for (; it->Valid(); it->Next()) found.Add(it->key().ToStringView(), it->value().ToStringView());
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read " + std::string(CfName(cf))));
  return found == Expected(cf);
}

void Verifier::Note(uint64_t seq, std::string what) {
  ++family_problems_;
  if (!problem_ || seq < problem_->first) problem_.emplace(seq, std::move(what));
}

// Checks each entry against its record; when all are valid, some record
// lacks its entry.
Status Verifier::CheckFamilyEntries(Cf cf) {
  std::unique_ptr<rocksdb::Iterator> it = Iterate(cf);
  std::vector<Entry> chunk;
  family_problems_ = 0;
  for (; it->Valid(); it->Next()) {
    Entry entry{it->key().ToString(), it->value().ToString(), 0};
    if (!EntrySeq(cf, &entry)) {
      return Status::Corruption(std::string(CfName(cf)) + ": malformed entry " +
                                KeyForMessage(entry.key));
    }
    chunk.push_back(std::move(entry));
    if (chunk.size() == kChunk) {
      AT_RETURN_IF_ERROR(CheckChunk(cf, chunk));
      chunk.clear();
    }
  }
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read " + std::string(CfName(cf))));
  AT_RETURN_IF_ERROR(CheckChunk(cf, chunk));
  return family_problems_ > 0 ? Status::Ok() : FindMissing(cf);
}

Status Verifier::CheckChunk(Cf cf, const std::vector<Entry>& chunk) {
  std::vector<uint64_t> seqs(chunk.size());
  for (size_t i = 0; i < chunk.size(); ++i) seqs[i] = chunk[i].seq;
  std::vector<Result<StoredRecord>> records;
  store_.ReadRecords(seqs, snapshot_, &records);
  const std::string name(CfName(cf));
  Entry want;
  for (size_t i = 0; i < chunk.size(); ++i) {
    const uint64_t seq = chunk[i].seq;
    const Result<StoredRecord>& r = records[i];
    if (r.status().code() == StatusCode::kNotFound) {
      Note(seq, name + " entry points to a missing record");
    } else if (!r.ok() && r.status().code() != StatusCode::kCorruption) {
      return r.status();
    } else if (!r.ok() || seq > head_.seq) {
      Note(seq, name + " entry points to a bad record");
    } else {
      const Event* e = std::get_if<Event>(&r->body);
      const std::string canonical = e != nullptr && cf == Cf::kDedup ? Canonical(*e) : "";
      if (!ExpectedEntry(cf, seq, *r, OrgNumberOf(*r), canonical, &want) ||
          want.key != chunk[i].key || want.value != chunk[i].value) {
        Note(seq, name + " entry does not match the record");
      }
    }
  }
  return Status::Ok();
}

// Every entry is valid but the digests differ: walk the log in seq order to
// note the first record that lacks its entry. Lookups Seek one iterator: a
// point Get on a vector memtable would sort it each time (rocks.h).
Status Verifier::FindMissing(Cf cf) {
  const std::string name(CfName(cf));
  std::unique_ptr<rocksdb::Iterator> log = Iterate(Cf::kLog), entries = Iterate(cf);
  Entry want;
  for (uint64_t seq = 1; log->Valid() && seq <= head_.seq; log->Next(), ++seq) {
    AT_ASSIGN_OR_RETURN(const StoredRecord r,
                        StoreImpl::DecodeAt(seq, log->value().ToStringView()));
    const Event* e = std::get_if<Event>(&r.body);
    const std::string canonical = e != nullptr && cf == Cf::kDedup ? Canonical(*e) : "";
    if (!ExpectedEntry(cf, seq, r, OrgNumberOf(r), canonical, &want)) continue;
    entries->Seek(want.key);
    AT_RETURN_IF_ERROR(FromRocks(entries->status(), "cannot read " + name));
    if (!entries->Valid() || entries->key().ToStringView() != want.key) {
      Note(seq, name + " entry missing");
      return Status::Ok();
    }
    if (entries->value().ToStringView() != want.value) {
      Note(seq, name + " entry belongs to another record");
      return Status::Ok();
    }
  }
  AT_RETURN_IF_ERROR(FromRocks(log->status(), "cannot read the log"));
  return Status::Corruption(name + " does not hold exactly the entries its records call for");
}

// ---- the Merkle tree

Result<bool> Verifier::HasNodes() {
  if (store_.cf(Cf::kMerkle) == nullptr) return false;
  std::unique_ptr<rocksdb::Iterator> it = Iterate(Cf::kMerkle);
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read merkle"));
  return it->Valid();
}

Status Verifier::CheckTree() {
  if (!store_.tree_status().ok()) {
    // A store older than the tree has none; a partial one is damage (or an
    // interrupted build, which the next writable open redoes).
    AT_ASSIGN_OR_RETURN(const bool has_nodes, HasNodes());
    if (!has_nodes) return Status::Ok();
    return Status::Corruption("merkle: " + store_.tree_status().message());
  }
  AT_ASSIGN_OR_RETURN(const bool matches, FamilyMatches(Cf::kMerkle));
  if (!matches) {
    AT_RETURN_IF_ERROR(FindNodeBelowMinLevel());
    AT_RETURN_IF_ERROR(FindBadLowestNode());
    AT_RETURN_IF_ERROR(FindBadInnerNode());
    return Status::Corruption("merkle: does not hold exactly the nodes of the log's tree");
  }
  Result<Digest> root = evidence::RootFromSource(head_.seq, NodesOf(store_, snapshot_));
  if (!root.ok()) return MissingNodeIsCorruption(root.status());
  if (*root != tree_.Root()) {
    return Status::Corruption("merkle: the stored nodes' root differs from the log's");
  }
  report_.tree_root = *root;
  return Status::Ok();
}

// Keys start with the level: the family's first key has its lowest level.
Status Verifier::FindNodeBelowMinLevel() {
  const uint32_t min_level = store_.merkle_min_level();
  std::unique_ptr<rocksdb::Iterator> it = Iterate(Cf::kMerkle);
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read merkle"));
  evidence::NodeId id;
  if (!it->Valid()) return Status::Ok();
  if (!ParseMerkleKey(it->key().ToStringView(), &id.level, &id.index)) {
    return Status::Corruption("merkle: malformed key " + KeyForMessage(it->key().ToStringView()));
  }
  if (id.level >= min_level) return Status::Ok();
  return Status::Corruption("merkle: " + NodeName(id) + " is below the lowest stored level (" +
                            std::to_string(min_level) + ")");
}

// Level-K keys are K | index, contiguous: walk them with the log (records
// already checked by pass 1), each against the hash of its 2^K records (for
// K = 0: a record's leaf).
Status Verifier::FindBadLowestNode() {
  const uint32_t k = store_.merkle_min_level();
  const uint64_t width = uint64_t{1} << k;
  std::unique_ptr<rocksdb::Iterator> log = Iterate(Cf::kLog), it = Iterate(Cf::kMerkle);
  std::string key;
  AppendMerkleKey(k, 0, &key);
  it->Seek(key);
  SubtreeHasher subtree;
  for (uint64_t seq = 1; log->Valid() && seq <= (head_.seq >> k) * width; log->Next(), ++seq) {
    AT_ASSIGN_OR_RETURN(const StoredRecord r,
                        StoreImpl::DecodeAt(seq, log->value().ToStringView()));
    subtree.Add(evidence::HashLeaf(ChainBytes(r)));
    if (seq % width != 0) continue;
    const evidence::NodeId id{k, seq / width - 1};
    const uint64_t first = seq - width + 1;
    AT_RETURN_IF_ERROR(CheckLowestNode(id, first, subtree.Root(), it.get()));
    subtree.Clear();
    it->Next();
  }
  AT_RETURN_IF_ERROR(FromRocks(log->status(), "cannot read the log"));
  return FromRocks(it->status(), "cannot read merkle");
}

// `it` is at the merkle key expected to be `id`, over records first...
Status Verifier::CheckLowestNode(evidence::NodeId id, uint64_t first, const evidence::Hash& want,
                                 rocksdb::Iterator* it) {
  evidence::NodeId at;
  const bool leaf = id.level == 0;
  if (!it->Valid() || !ParseMerkleKey(it->key().ToStringView(), &at.level, &at.index) ||
      !(at == id)) {
    return Bad(first, leaf ? "merkle leaf missing" : NodeName(id) + " missing");
  }
  if (it->value().ToStringView() == View(want)) return Status::Ok();
  const uint64_t last = first + (uint64_t{1} << id.level) - 1;
  return Bad(first, leaf ? "merkle leaf does not match the record"
                         : NodeName(id) + " does not match records " + std::to_string(first) +
                               ".." + std::to_string(last));
}

// With every level-K node right, the lowest higher node that is not the hash
// of its stored children is the damage.
Status Verifier::FindBadInnerNode() {
  const StoredNodes nodes = NodesOf(store_, snapshot_);
  for (uint32_t level = store_.merkle_min_level() + 1; level < 64 && (head_.seq >> level) > 0;
       ++level) {
    AT_RETURN_IF_ERROR(CheckLevel(level, nodes));
  }
  return Status::Ok();
}

Status Verifier::CheckLevel(uint32_t level, const StoredNodes& nodes) {
  for (uint64_t i = 0; i < (head_.seq >> level); ++i) {
    const evidence::NodeId id{level, i};
    Result<evidence::Hash> stored = nodes.GetNode(id);
    if (!stored.ok()) return MissingNodeIsCorruption(stored.status()).WithContext("merkle");
    AT_ASSIGN_OR_RETURN(const evidence::Hash left, nodes.GetNode({level - 1, 2 * i}));
    AT_ASSIGN_OR_RETURN(const evidence::Hash right, nodes.GetNode({level - 1, 2 * i + 1}));
    if (evidence::HashChildren(left, right) != *stored) {
      return Status::Corruption("merkle: " + NodeName(id) + " does not match its children");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<VerifyReport> StoreImpl::Verify(const ProgressFn& progress) {
  Verifier verifier(*this, progress);
  return verifier.Run();
}

}  // namespace authtrail::store::store_internal
