// Store::Open, the meta column family, and point reads.
//
// Opening, in order: (1) a directory without RocksDB's CURRENT file holds no
// store (kNotFound, unless creating); (2) a writer takes DIR/authtrail.lock
// before RocksDB is touched, so a second writer gets our kBusy message naming
// the holder rather than RocksDB's LOCK error; (3) RocksDB opens every column
// family (read-only opens never take a lock, so they work while a writer
// appends, and see the store as of their open); (4) meta is read: format
// version first (newer -> kUnsupported), then merkle_min_level (format 2), the store id, head, org
// numbers and the last batch number; (5) the Merkle frontier (merkle.cc), built from the log first
// when a writable open finds the store without one. A store whose creation was interrupted (RocksDB
// created, meta not yet written, log empty) is finished by the next writable open with
// create_if_missing, and is "no store" to everyone else.
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/coding.h"
#include "store/format.h"
#include "store/store_impl.h"

namespace authtrail::store {

constexpr size_t kMaxEventsPerWrite = 1'000'000;

Status StoreOptions::Validate() const {
  if (create_if_missing && !writable) {
    return Status::InvalidArgument("StoreOptions.create_if_missing requires writable");
  }
  if (events_per_write < 1 || events_per_write > kMaxEventsPerWrite) {
    return Status::InvalidArgument("StoreOptions.events_per_write must be between 1 and " +
                                   std::to_string(kMaxEventsPerWrite));
  }
  return Status::Ok();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  AT_RETURN_IF_ERROR(options.Validate());
  return store_internal::StoreImpl::OpenStore(dir, options);
}

namespace store_internal {
namespace {

Status NoStore(const std::string& dir) {
  return Status::NotFound("no authtrail store at " + dir + " (run `authtrail ingest --db " + dir +
                          " FILE` to create one)");
}

bool HasRocksDb(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);
}

Status CreateDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create directory " + dir + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> StoreImpl::OpenStore(const std::string& dir,
                                                    const StoreOptions& options) {
  const bool may_create = options.writable && options.create_if_missing;
  if (!HasRocksDb(dir) && !may_create) return NoStore(dir);
  std::unique_ptr<WriterLock> lock;
  if (options.writable) {
    AT_RETURN_IF_ERROR(CreateDir(dir));
    AT_ASSIGN_OR_RETURN(lock, WriterLock::Acquire(dir));
  }
  // Decided under the lock: another writer may just have created the store.
  const bool create = may_create && !HasRocksDb(dir);
  AT_ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> rocks, RocksDb::Open(dir, options.writable, create));
  std::unique_ptr<StoreImpl> store(new StoreImpl(dir, options, std::move(lock), std::move(rocks)));
  AT_RETURN_IF_ERROR(store->Load(may_create));
  return std::unique_ptr<Store>(std::move(store));
}

Status StoreImpl::Load(bool may_create) {
  if (cf(Cf::kMeta) == nullptr) return NoStore(dir_);
  AT_RETURN_IF_ERROR(LoadFormatVersion(may_create));
  AT_RETURN_IF_ERROR(CheckColumnFamilies());
  AT_RETURN_IF_ERROR(LoadMerkleMinLevel());
  AT_RETURN_IF_ERROR(GetMeta(kMetaStoreId, &store_id_));
  if (store_id_.size() != kStoreIdSize) return Status::Corruption("meta: store id is malformed");
  std::string head;
  AT_RETURN_IF_ERROR(GetMeta(kMetaHead, &head));
  if (!DecodeHead(head, &head_)) return Status::Corruption("meta: head is malformed");
  AT_RETURN_IF_ERROR(LoadOrgs());
  AT_RETURN_IF_ERROR(LoadLastBatch());
  AT_RETURN_IF_ERROR(LoadTree());
  return options_.writable ? LoadCheckpointBounds() : Status::Ok();
}

Status StoreImpl::GetMeta(std::string_view key, std::string* value) const {
  rocksdb::Status s = db()->Get(ReadOpts(), cf(Cf::kMeta), key, value);
  if (s.IsNotFound()) return Status::Corruption("meta: " + std::string(key) + " is missing");
  return FromRocks(s, "cannot read meta " + std::string(key));
}

Status StoreImpl::LoadFormatVersion(bool may_create) {
  std::string v;
  rocksdb::Status s = db()->Get(ReadOpts(), cf(Cf::kMeta), kMetaFormatVersion, &v);
  if (s.IsNotFound()) {
    std::unique_ptr<rocksdb::Iterator> it;
    if (cf(Cf::kLog) != nullptr) it.reset(db()->NewIterator(ReadOpts(), cf(Cf::kLog)));
    if (it != nullptr) it->SeekToFirst();
    if (it != nullptr && it->Valid()) {
      return Status::Corruption("meta: format version is missing in " + dir_);
    }
    return may_create ? CreateMeta() : NoStore(dir_);
  }
  AT_RETURN_IF_ERROR(FromRocks(s, "cannot read the format version of " + dir_));
  if (v.size() != 4) return Status::Corruption("meta: format version is malformed");
  format_version_ = GetBigEndian32(v.data());
  const std::string n = std::to_string(format_version_);
  if (format_version_ > kCurrentFormatVersion) {
    return Status::Unsupported("store format version " + n +
                               " is newer than this authtrail supports (" +
                               std::to_string(kCurrentFormatVersion) + "); upgrade authtrail");
  }
  if (format_version_ < kOldestSupportedFormatVersion) {
    return Status::Corruption("meta: store format version " + n + " is not valid");
  }
  return Status::Ok();
}

// Written once, synced: the store id is the store's identity in evidence.
Status StoreImpl::CreateMeta() {
  if (sodium_init() < 0) return Status::IOError("libsodium cannot be initialised");
  std::string id(kStoreIdSize, '\0');
  randombytes_buf(id.data(), id.size());
  std::string version, min_level;
  PutBigEndian32(&version, kCurrentFormatVersion);
  PutBigEndian32(&min_level, kNewStoreMerkleMinLevel);
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.Put(cf(Cf::kMeta), kMetaFormatVersion, version);
  if (s.ok()) s = batch.Put(cf(Cf::kMeta), kMetaMerkleMinLevel, min_level);
  if (s.ok()) s = batch.Put(cf(Cf::kMeta), kMetaStoreId, id);
  if (s.ok()) s = batch.Put(cf(Cf::kMeta), kMetaHead, EncodeHead(Head{}));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (s.ok()) s = db()->Write(wo, &batch);
  AT_RETURN_IF_ERROR(FromRocks(s, "cannot create a store in " + dir_));
  format_version_ = kCurrentFormatVersion;
  return Status::Ok();
}

// Version 1 stores keep every level (format.h); later ones say which.
Status StoreImpl::LoadMerkleMinLevel() {
  if (format_version_ == 1) {
    merkle_min_level_ = 0;
    return Status::Ok();
  }
  std::string v;
  AT_RETURN_IF_ERROR(GetMeta(kMetaMerkleMinLevel, &v));
  if (v.size() != 4 || GetBigEndian32(v.data()) > kMaxMerkleMinLevel) {
    return Status::Corruption("meta: merkle_min_level is malformed");
  }
  merkle_min_level_ = GetBigEndian32(v.data());
  return Status::Ok();
}

// merkle may be missing (read-only open of a store older than it): LoadTree.
Status StoreImpl::CheckColumnFamilies() const {
  for (int i = 0; i < kCfCount; ++i) {
    if (cf(static_cast<Cf>(i)) == nullptr && static_cast<Cf>(i) != Cf::kMerkle) {
      return Status::Corruption("column family " + std::string(CfName(static_cast<Cf>(i))) +
                                " is missing in " + dir_);
    }
  }
  return Status::Ok();
}

// Org numbers are 1..n, one per org: anything else would let two orgs share
// index prefixes.
Status StoreImpl::LoadOrgs() {
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(ReadOpts(), cf(Cf::kMeta)));
  std::set<uint32_t> numbers;
  for (it->Seek(kMetaOrgPrefix); it->Valid() && it->key().starts_with(kMetaOrgPrefix); it->Next()) {
    const std::string_view org = it->key().ToStringView().substr(kMetaOrgPrefix.size());
    const rocksdb::Slice v = it->value();
    if (org.size() != 18 || v.size() != 4 || !numbers.insert(GetBigEndian32(v.data())).second) {
      return Status::Corruption("meta: bad org entry " + KeyForMessage(it->key().ToStringView()));
    }
    orgs_.emplace(org, GetBigEndian32(v.data()));
  }
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read org numbers"));
  if (!numbers.empty() && (*numbers.begin() != 1 || *numbers.rbegin() != numbers.size())) {
    return Status::Corruption("meta: org numbers are not 1.." + std::to_string(numbers.size()));
  }
  return Status::Ok();
}

Status StoreImpl::LoadLastBatch() {
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(ReadOpts(), cf(Cf::kBatches)));
  it->SeekToLast();
  if (it->Valid()) {
    BatchEntry entry;
    if (!DecodeBatchEntry(it->value().ToStringView(), &entry)) {
      return Status::Corruption("batches: malformed entry " +
                                KeyForMessage(it->key().ToStringView()));
    }
    last_batch_ = entry.number;
  }
  return FromRocks(it->status(), "cannot read the batch list");
}

std::string StoreImpl::store_id() const { return Hex(store_id_); }

uint32_t StoreImpl::OrgNumber(const std::string& org) const {
  const auto it = orgs_.find(org);
  return it == orgs_.end() ? 0 : it->second;
}

void StoreImpl::CommitGroup(const Head& head,
                            std::vector<std::pair<std::string, uint32_t>>* new_orgs,
                            uint32_t last_batch, const evidence::Frontier& frontier) {
  head_ = head;
  frontier_ = frontier;
  for (auto& [org, number] : *new_orgs) orgs_.emplace(std::move(org), number);
  new_orgs->clear();
  last_batch_ = last_batch;
}

Result<StoredRecord> StoreImpl::DecodeAt(uint64_t seq, std::string_view value) {
  Result<StoredRecord> r = DecodeRecord(value);
  if (!r.ok()) return r.status().WithContext("seq " + std::to_string(seq));
  return r;
}

Result<StoredRecord> StoreImpl::ReadRecord(uint64_t seq, const rocksdb::Snapshot* snapshot) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db()->Get(ReadOpts(snapshot), cf(Cf::kLog), SeqKey(seq), &value);
  const std::string at = "seq " + std::to_string(seq);
  if (s.IsNotFound()) return Status::NotFound(at + ": record missing");
  AT_RETURN_IF_ERROR(FromRocks(s, at + ": cannot read the record"));
  return DecodeAt(seq, value.ToStringView());
}

void StoreImpl::ReadRecords(std::span<const uint64_t> seqs, const rocksdb::Snapshot* snapshot,
                            std::vector<Result<StoredRecord>>* out) {
  std::vector<std::string> keys(seqs.size());
  std::vector<rocksdb::Slice> slices(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    AppendSeqKey(seqs[i], &keys[i]);
    slices[i] = keys[i];
  }
  std::vector<rocksdb::PinnableSlice> values(seqs.size());
  std::vector<rocksdb::Status> statuses(seqs.size());
  db()->MultiGet(ReadOpts(snapshot), cf(Cf::kLog), seqs.size(), slices.data(), values.data(),
                 statuses.data());
  out->clear();
  out->reserve(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    const std::string at = "seq " + std::to_string(seqs[i]);
    if (statuses[i].IsNotFound()) {
      out->push_back(Status::NotFound(at + ": record missing"));
    } else if (!statuses[i].ok()) {
      out->push_back(FromRocks(statuses[i], at + ": cannot read the record"));
    } else {
      out->push_back(DecodeAt(seqs[i], values[i].ToStringView()));
    }
  }
}

Result<StoredRecord> StoreImpl::Get(uint64_t seq) {
  if (seq == 0 || seq > head_.seq) {
    return Status::NotFound("no record " + std::to_string(seq) + " (the store holds 1.." +
                            std::to_string(head_.seq) + ")");
  }
  Result<StoredRecord> r = ReadRecord(seq, nullptr);
  if (r.status().code() == StatusCode::kNotFound) return Status::Corruption(r.status().message());
  return r;
}

// One point read per org: the dedup key is org-scoped ('i' org id), and an
// org count is small next to a scan of every event.
Result<std::vector<uint64_t>> StoreImpl::FindBySourceId(std::string_view id) {
  std::vector<uint64_t> seqs;
  std::string key, value;
  for (const auto& [org, number] : orgs_) {
    key.assign(1, 'i').append(org).append(id);
    rocksdb::Status s = db()->Get(ReadOpts(), cf(Cf::kDedup), key, &value);
    if (s.IsNotFound()) continue;
    AT_RETURN_IF_ERROR(FromRocks(s, "cannot read the dedup index"));
    const uint64_t seq = value.size() == 8 ? GetBigEndian64(value.data()) : 0;
    if (seq == 0 || seq > head_.seq) {
      return Status::Corruption("dedup entry " + KeyForMessage(key) + " is malformed");
    }
    AT_ASSIGN_OR_RETURN(StoredRecord r, Get(seq));
    const Event* e = std::get_if<Event>(&r.body);
    if (e == nullptr || e->org != org || !e->id || *e->id != id) {
      return Status::Corruption("seq " + std::to_string(seq) +
                                ": the dedup index names it for source id '" + std::string(id) +
                                "' but the record does not have that id");
    }
    seqs.push_back(seq);
  }
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

}  // namespace store_internal
}  // namespace authtrail::store
