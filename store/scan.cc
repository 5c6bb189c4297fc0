// ScanEvents and ScanBatches.
//
// ScanEvents walks one index in key order (ts, fold rank, seq) and reads the
// records in chunks, so memory is bounded by the chunk (and the longest run
// of equal ts and rank). Index choice: with an org, by_user (org + user),
// else by_app (org + app), else by_org; without one, by_time. Filters the
// index does not cover are applied to the decoded event. Events of equal
// (ts, rank) are sorted by canonical bytes before fn sees them, which
// completes events.md's fold order: the order never depends on seq, so two
// stores holding the same events scan identically.
//
// A chunk's records are read in ascending seq order through one log
// iterator that lives for the whole scan: the next wanted seq is reached by
// Next() when it is close (a store ingested roughly in time order reads the
// log almost sequentially), by Seek() otherwise. A point MultiGet per record
// cost ~4x more (callgrind).
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <numeric>
#include <thread>

#include "schemas/canonical.h"
#include "store/store_impl.h"

namespace authtrail::store::store_internal {
namespace {

// Index entries per chunk; a run of equal (ts, rank) is never split.
constexpr size_t kChunk = 1024;
// Up to this many records ahead, stepping the log iterator beats a Seek.
constexpr uint64_t kMaxSteps = 16;

struct Item {
  IndexSuffix at;
  std::optional<Event> event;  // empty when filtered out
  std::string canonical;       // filled only for runs that need the tie-break
};

// Where in which index the filter's events are, and what is left to check.
struct ScanPlan {
  Cf cf = Cf::kByTime;
  std::string prefix;
  std::optional<std::string> user, app;  // checked on the decoded event
};

// The smallest key greater than every key starting with `prefix`; empty
// when there is none (prefix empty or all 0xff).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    if (static_cast<uint8_t>(prefix.back()) != 0xff) {
      prefix.back() = static_cast<char>(prefix.back() + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

// nullopt: the filter matches nothing (unknown org, over-long name).
std::optional<ScanPlan> PlanScan(const StoreImpl& store, const ScanFilter& filter) {
  ScanPlan plan;
  if (!filter.org) {
    plan.user = filter.user;
    plan.app = filter.app;
    return plan;
  }
  const uint32_t orgnum = store.OrgNumber(*filter.org);
  if (orgnum == 0) return std::nullopt;
  const std::optional<std::string>& name = filter.user ? filter.user : filter.app;
  if (name && name->size() > kMaxIndexedNameSize) return std::nullopt;
  if (filter.user) {
    plan.cf = Cf::kByUser;
    plan.app = filter.app;
  } else {
    plan.cf = filter.app ? Cf::kByApp : Cf::kByOrg;
  }
  if (name) {
    AppendNamePrefix(orgnum, *name, &plan.prefix);
  } else {
    AppendOrgPrefix(orgnum, &plan.prefix);
  }
  return plan;
}

// Sorts each run of equal (ts, rank) by canonical bytes (seq breaks exact
// ties, which dedup makes impossible).
void SortRuns(std::vector<Item>* items) {
  auto same_slot = [](const Item& a, const Item& b) {
    return a.at.ts == b.at.ts && a.at.rank == b.at.rank;
  };
  for (auto begin = items->begin(); begin != items->end();) {
    auto end = std::find_if_not(begin + 1, items->end(),
                                [&](const Item& x) { return same_slot(x, *begin); });
    if (end - begin > 1) {
      for (auto it = begin; it != end; ++it) it->canonical = Canonical(*it->event);
      std::sort(begin, end, [](const Item& a, const Item& b) {
        return a.canonical != b.canonical ? a.canonical < b.canonical : a.at.seq < b.at.seq;
      });
    }
    begin = end;
  }
}

constexpr uint32_t kEveryRank = ~uint32_t{0};

// The fold ranks (events.md kind order) the filter's kind and kinds allow,
// one bit each; kEveryRank without a kind filter.
uint32_t KindRanks(const ScanFilter& filter) {
  static_assert(kKindCount <= 32, "one bit per kind");
  auto bit = [](Kind k) { return uint32_t{1} << KindFoldRank(k); };
  uint32_t ranks = filter.kind ? bit(*filter.kind) : kEveryRank;
  if (!filter.kinds.empty()) {
    uint32_t any = 0;
    for (Kind k : filter.kinds) any |= bit(k);
    ranks &= any;
  }
  return ranks;
}

using EventFn = std::function<Status(uint64_t, const Event&)>;
// Receives each chunk of matching events, decoded and in fold order.
using ChunkFn = std::function<Status(std::vector<Item>&&)>;

class EventScanner {
 public:
  EventScanner(StoreImpl& store, ScanPlan plan, ChunkFn sink)
      : store_(store),
        plan_(std::move(plan)),
        index_name_(CfName(plan_.cf)),
        sink_(std::move(sink)),
        log_(store.db()->NewIterator(ReadOpts(), store.cf(Cf::kLog))) {}

  Status Run(const ScanFilter& filter);

 private:
  Status Emit(const std::vector<IndexSuffix>& chunk);
  Status Fetch(const std::vector<IndexSuffix>& chunk, std::vector<Item>* items);
  Status PositionLog(uint64_t seq);
  Status Decode(const IndexSuffix& at, Item* item);

  StoreImpl& store_;
  const ScanPlan plan_;
  const std::string index_name_;
  const ChunkFn sink_;
  std::unique_ptr<rocksdb::Iterator> log_;
  std::string key_;
};

Status EventScanner::Run(const ScanFilter& filter) {
  std::string lower = plan_.prefix, upper = plan_.prefix;
  if (filter.since) AppendTs(*filter.since, &lower);
  if (filter.until) {
    AppendTs(*filter.until, &upper);
  } else {
    upper = PrefixEnd(upper);
  }
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro = ReadOpts();
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(ro, store_.cf(plan_.cf)));
  const uint32_t ranks = KindRanks(filter);
  std::vector<IndexSuffix> chunk;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    IndexSuffix at;
    const std::string_view key = it->key().ToStringView();
    if (key.size() != plan_.prefix.size() + kIndexSuffixSize || !ParseIndexSuffix(key, &at)) {
      return Status::Corruption(index_name_ + ": malformed key " + KeyForMessage(key));
    }
    // Without a kind filter nothing is skipped: a key with a rank no kind
    // has must reach Decode, which reports it as corruption.
    if (ranks != kEveryRank && (at.rank >= 32 || !(ranks >> at.rank & 1u))) continue;
    if (chunk.size() >= kChunk && (at.ts != chunk.back().ts || at.rank != chunk.back().rank)) {
      AT_RETURN_IF_ERROR(Emit(chunk));
      chunk.clear();
    }
    chunk.push_back(at);
  }
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read " + index_name_));
  return chunk.empty() ? Status::Ok() : Emit(chunk);
}

Status EventScanner::Emit(const std::vector<IndexSuffix>& chunk) {
  std::vector<Item> items(chunk.size());
  AT_RETURN_IF_ERROR(Fetch(chunk, &items));
  std::erase_if(items, [](const Item& item) { return !item.event; });
  SortRuns(&items);
  return items.empty() ? Status::Ok() : sink_(std::move(items));
}

// Reads the chunk's records in ascending seq order into items (same
// positions as the chunk).
Status EventScanner::Fetch(const std::vector<IndexSuffix>& chunk, std::vector<Item>* items) {
  std::vector<size_t> order(chunk.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return chunk[a].seq < chunk[b].seq; });
  for (size_t i : order) {
    AT_RETURN_IF_ERROR(PositionLog(chunk[i].seq));
    AT_RETURN_IF_ERROR(Decode(chunk[i], &(*items)[i]));
  }
  return Status::Ok();
}

// Leaves log_ on the record at `seq`.
Status EventScanner::PositionLog(uint64_t seq) {
  uint64_t at = 0;
  bool valid = log_->Valid() && ParseSeqKey(log_->key().ToStringView(), &at);
  if (valid && at < seq && seq - at <= kMaxSteps) {
    while (valid && at < seq) {
      log_->Next();
      valid = log_->Valid() && ParseSeqKey(log_->key().ToStringView(), &at);
    }
  } else if (!valid || at != seq) {
    key_.clear();
    AppendSeqKey(seq, &key_);
    log_->Seek(key_);
    valid = log_->Valid() && ParseSeqKey(log_->key().ToStringView(), &at);
  }
  AT_RETURN_IF_ERROR(FromRocks(log_->status(), "seq " + std::to_string(seq) + ": cannot read"));
  if (!valid || at != seq) {
    return Status::Corruption("seq " + std::to_string(seq) + ": record missing (" + index_name_ +
                              " points to it)");
  }
  return Status::Ok();
}

// Decodes the record under log_, checks it is the event its index entry
// describes, and keeps it when the plan's remaining filters match.
Status EventScanner::Decode(const IndexSuffix& at, Item* item) {
  item->at = at;
  AT_ASSIGN_OR_RETURN(StoredRecord r, StoreImpl::DecodeAt(at.seq, log_->value().ToStringView()));
  Event* e = std::get_if<Event>(&r.body);
  if (e == nullptr || e->ts != at.ts || KindFoldRank(e->kind) != at.rank) {
    return Status::Corruption("seq " + std::to_string(at.seq) + ": " + index_name_ +
                              " entry does not match the record");
  }
  if ((!plan_.user || e->user == plan_.user) && (!plan_.app || e->app == plan_.app)) {
    item->event = std::move(*e);
  }
  return Status::Ok();
}

Status Deliver(std::vector<Item>&& items, const EventFn& fn) {
  for (const Item& item : items) AT_RETURN_IF_ERROR(fn(item.at.seq, *item.event));
  return Status::Ok();
}

// Decoded chunks handed from the read-ahead thread to the caller's, at most
// kAheadChunks waiting (bounded memory), in order.
class ChunkQueue {
 public:
  // Producer: waits for room; false once the consumer has stopped.
  bool Push(std::vector<Item>&& items) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return stopped_ || ready_.size() < kAheadChunks; });
    if (stopped_) return false;
    ready_.push_back(std::move(items));
    filled_.notify_one();
    return true;
  }
  // Producer: no more chunks; `status` is the scan's outcome.
  void Close(Status status) {
    std::lock_guard lock(mu_);
    closed_ = true;
    status_ = std::move(status);
    filled_.notify_one();
  }
  // Consumer: the next chunk; nullopt after the last one.
  std::optional<std::vector<Item>> Pop() {
    std::unique_lock lock(mu_);
    filled_.wait(lock, [&] { return closed_ || !ready_.empty(); });
    if (ready_.empty()) return std::nullopt;
    std::vector<Item> items = std::move(ready_.front());
    ready_.pop_front();
    room_.notify_one();
    return items;
  }
  // Consumer: wants no more (the producer's next Push returns false).
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    room_.notify_one();
  }
  Status status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  static constexpr size_t kAheadChunks = 4;
  std::mutex mu_;
  std::condition_variable room_, filled_;
  std::deque<std::vector<Item>> ready_;
  bool closed_ = false, stopped_ = false;
  Status status_;
};

// The scan on a second thread, fn on this one. Whatever way this returns
// (fn's error, an exception), the reader is stopped and joined first.
Status ScanOnSecondThread(StoreImpl& store, ScanPlan plan, const ScanFilter& filter,
                          const EventFn& fn) {
  ChunkQueue queue;
  std::thread reader([&store, &queue, &filter, plan = std::move(plan)]() mutable {
    EventScanner scanner(store, std::move(plan), [&queue](std::vector<Item>&& items) {
      return queue.Push(std::move(items)) ? Status::Ok()
                                          : Status::FailedPrecondition("scan stopped");
    });
    queue.Close(scanner.Run(filter));
  });
  struct Joiner {
    ChunkQueue& queue;
    std::thread& reader;
    ~Joiner() {
      queue.Stop();
      reader.join();
    }
  } joiner{queue, reader};
  while (std::optional<std::vector<Item>> items = queue.Pop()) {
    AT_RETURN_IF_ERROR(Deliver(std::move(*items), fn));
  }
  return queue.status();
}

}  // namespace

Status StoreImpl::ScanEvents(const ScanFilter& filter, const EventFn& fn) {
  std::optional<ScanPlan> plan = PlanScan(*this, filter);
  if (!plan) return Status::Ok();
  if (filter.read_ahead) return ScanOnSecondThread(*this, std::move(*plan), filter, fn);
  EventScanner scanner(*this, std::move(*plan),
                       [&fn](std::vector<Item>&& items) { return Deliver(std::move(items), fn); });
  return scanner.Run(filter);
}

Status StoreImpl::ScanBatches(const std::function<Status(uint64_t, const StoredRecord&)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(ReadOpts(), cf(Cf::kBatches)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t seq = 0;
    if (!ParseSeqKey(it->key().ToStringView(), &seq)) {
      return Status::Corruption("batches: malformed key " +
                                KeyForMessage(it->key().ToStringView()));
    }
    Result<StoredRecord> r = ReadRecord(seq, nullptr);
    if (r.status().code() == StatusCode::kNotFound) {
      return Status::Corruption(r.status().message() + " (the batch list points to it)");
    }
    AT_RETURN_IF_ERROR(r.status());
    if (std::holds_alternative<Event>(r->body)) {
      return Status::Corruption("seq " + std::to_string(seq) +
                                ": the batch list points to an event");
    }
    AT_RETURN_IF_ERROR(fn(seq, *r));
  }
  return FromRocks(it->status(), "cannot read the batch list");
}

}  // namespace authtrail::store::store_internal
