// Store behaviour on a real RocksDB in a temporary directory: open/create,
// append and read back, fold-order scans and filters, idempotency, batches,
// locking, versioning, and surviving kill -9.
#include "store/store.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "store/format.h"
#include "store/keys.h"
#include "store/store_test_util.h"

namespace authtrail::store {
namespace {

using namespace testing;  // NOLINT: store test helpers
using ::authtrail::testing::TempDir;

// ---- open / create

TEST(Store, CreatesAnEmptyStoreWithAnIdAndVersion) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  std::string id;
  {
    auto store = OpenStore(dir, Writable());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->head().seq, 0u);
    EXPECT_EQ(store->head().hash, Digest{});
    EXPECT_EQ(store->format_version(), kCurrentFormatVersion);
    id = store->store_id();
    EXPECT_EQ(id.size(), 32u);
  }
  auto reopened = OpenStore(dir, ReadOnly());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->store_id(), id);
  TempDir other;
  auto second = OpenStore(other.Sub("db"), Writable());
  ASSERT_NE(second, nullptr);
  EXPECT_NE(second->store_id(), id);
}

TEST(Store, MissingStoreIsNotFoundWithAHint) {
  TempDir tmp;
  const std::string dir = tmp.Sub("nothing-here");
  for (StoreOptions o : {ReadOnly(), Writable()}) {
    o.create_if_missing = false;
    auto s = Store::Open(dir, o);
    ASSERT_EQ(s.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(s.status().message(), "no authtrail store at " + dir +
                                        " (run `authtrail ingest --db " + dir +
                                        " FILE` to create one)");
  }
  // An existing but empty directory holds no store either.
  EXPECT_EQ(Store::Open(tmp.path().string(), ReadOnly()).status().code(), StatusCode::kNotFound);
}

TEST(Store, OptionsAreValidated) {
  TempDir tmp;
  StoreOptions o;
  o.create_if_missing = true;  // without writable
  EXPECT_EQ(Store::Open(tmp.Sub("db"), o).status().code(), StatusCode::kInvalidArgument);
  o = Writable(0);
  auto s = Store::Open(tmp.Sub("db"), o);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("events_per_write"), std::string::npos);
}

// ---- append and read back

TEST(Store, AppendedRecordsReadBackExactly) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  const std::vector<Event> events = {Login(kT0, "0055g00000AbCdEAAV"),
                                     WithId(ApiCall(kT0 + 5, "u2", "appX"), "req-1"),
                                     SettingEvent(kT0 - 9, fb::Setting::api_feature, true)};
  auto writer = store->BeginBatch({0, kT0, "0.1.0", {"a.jsonl", "-"}});
  ASSERT_OK(writer.status());
  EXPECT_EQ((*writer)->number(), 1u);
  for (const Event& e : events) EXPECT_EQ(*(*writer)->Add(e), AddOutcome::kStored);
  BatchEndInfo end{99, kT0 + 7, {{"a.jsonl", 10, Sha256Of("x")}}, 3, 3, 0, 0};
  ASSERT_OK((*writer)->Finish(end));
  EXPECT_EQ(store->head().seq, 5u);

  auto begin = store->Get(1);
  ASSERT_OK(begin.status());
  EXPECT_EQ(begin->batch, 1u);
  EXPECT_EQ(std::get<BatchBeginInfo>(begin->body),
            (BatchBeginInfo{1, kT0, "0.1.0", {"a.jsonl", "-"}}));
  for (uint64_t seq = 2; seq <= 4; ++seq) {
    auto r = store->Get(seq);
    ASSERT_OK(r.status());
    EXPECT_EQ(r->batch, 1u);
    EXPECT_EQ(std::get<Event>(r->body), events[seq - 2]);
  }
  auto last = store->Get(5);
  ASSERT_OK(last.status());
  end.number = 1;  // assigned by the writer
  EXPECT_EQ(std::get<BatchEndInfo>(last->body), end);
  EXPECT_EQ(store->Get(0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Get(6).status().code(), StatusCode::kNotFound);
}

TEST(Store, HeadAndDataSurviveReopen) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  Head head;
  {
    auto store = OpenStore(dir, Writable(2));
    ASSERT_NE(store, nullptr);
    Ingest(*store, {Login(kT0, "a"), Login(kT0, "b"), Login(kT0, "c")});
    head = store->head();
    EXPECT_EQ(head.seq, 5u);
    EXPECT_NE(head.hash, Digest{});
  }
  for (StoreOptions o : {ReadOnly(), Writable()}) {
    auto store = OpenStore(dir, o);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->head().seq, head.seq);
    EXPECT_EQ(store->head().hash, head.hash);
    EXPECT_EQ(Scan(*store).size(), 3u);
  }
  auto store = OpenStore(dir, Writable());
  ASSERT_NE(store, nullptr);
  Ingest(*store, {Login(kT0, "d")});
  EXPECT_EQ(store->head().seq, 8u);
  EXPECT_OK(store->Verify(nullptr).status());
}

// A closed store keeps nothing in its WAL: every family was flushed
// (store/rocks.cc), so a read-only open has nothing to replay.
TEST(Store, ClosingFlushesEveryColumnFamily) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  {
    auto store = OpenStore(dir, Writable(2));
    ASSERT_NE(store, nullptr);
    Ingest(*store, {Login(kT0, "a"), Login(kT0 + 1, "b"), Login(kT0 + 2, "c")});
  }
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descriptors, &handles, &db).ok());
  uint64_t log_keys = 0;
  for (size_t i = 0; i < handles.size(); ++i) {
    uint64_t in_memtable = 1;
    ASSERT_TRUE(
        db->GetIntProperty(handles[i], "rocksdb.num-entries-active-mem-table", &in_memtable));
    EXPECT_EQ(in_memtable, 0u) << names[i] << " was not flushed";
    if (names[i] == "log") {
      ASSERT_TRUE(db->GetIntProperty(handles[i], "rocksdb.estimate-num-keys", &log_keys));
    }
  }
  EXPECT_EQ(log_keys, 5u);  // batch begin, three events, batch end: all in SST files
  for (auto* h : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

TEST(Store, ChainHashIsSha256OfPreviousHashAndChainBytes) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  Ingest(*store, {Login(kT0, "a")});
  Digest hash{};
  for (uint64_t seq = 1; seq <= store->head().seq; ++seq) {
    auto r = store->Get(seq);
    ASSERT_OK(r.status());
    Sha256 h;
    h.Update(hash);
    h.Update(ChainBytes(*r));
    hash = h.Finish();
  }
  EXPECT_EQ(hash, store->head().hash);
}

// ---- fold order and filters

// events.md fold order, computed independently of the store.
std::vector<std::string> FoldOrder(std::vector<Event> events) {
  std::vector<std::tuple<MicrosUtc, int, std::string>> keyed;
  for (const Event& e : events) keyed.emplace_back(e.ts, KindFoldRank(e.kind), Canonical(e));
  std::sort(keyed.begin(), keyed.end());
  keyed.erase(std::unique(keyed.begin(), keyed.end()), keyed.end());  // duplicates
  std::vector<std::string> out;
  for (auto& k : keyed) out.push_back(std::get<2>(k));
  return out;
}

TEST(Store, ScanIsInFoldOrderWithKindRankAndCanonicalTieBreaks) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  // Appended in an order that is none of the orders the fold uses.
  const std::vector<Event> events = {
      ApiCall(kT0, "u1", "app"),  // same ts: ranks api.call > token > authorize
      Token(kT0, "u1", "app", Grant::authorization_code),
      Authorize(kT0, "u1", "app"),
      Login(kT0 - 1, "zeta"),  // earlier ts first whatever the kind
      Login(kT0, "bravo"),     // same ts and kind: canonical bytes
      Login(kT0, "alpha"),
      SettingEvent(kT0, fb::Setting::api_feature, false),  // state kinds before access kinds
      Login(kT0 + 1, "a"),
  };
  Ingest(*store, events);
  const std::vector<Scanned> scanned = Scan(*store);
  EXPECT_EQ(Canonicals(scanned), FoldOrder(events));
  ASSERT_EQ(scanned.size(), events.size());
  EXPECT_EQ(scanned[0].event.user, "zeta");
  EXPECT_EQ(scanned[1].event.kind, Kind::kOrgSetting);
  EXPECT_EQ(scanned[2].event.user, "alpha");
  EXPECT_EQ(scanned[3].event.user, "bravo");
  EXPECT_EQ(scanned[4].event.kind, Kind::kOauthAuthorize);
  EXPECT_EQ(scanned[5].event.kind, Kind::kOauthToken);
  EXPECT_EQ(scanned[6].event.kind, Kind::kApiCall);
  // seq is the arrival order: the setting arrived 7th of the events (seq 8).
  EXPECT_EQ(scanned[1].seq, 8u);
}

std::vector<Event> RandomEvents(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<std::string> users = {"0055g00000AAAAAAAA", "0055g00000BBBBBBBB", "ops@x.com"};
  const std::vector<std::string> apps = {"appX", "appY", "3MVG9long.consumer.key"};
  const std::vector<std::string> orgs = {kOrgA, kOrgB};
  std::vector<Event> out;
  for (size_t i = 0; i < n; ++i) {
    const MicrosUtc ts = kT0 + static_cast<MicrosUtc>(rng() % 25) * 1'000'000;
    const std::string& user = users[rng() % users.size()];
    const std::string& app = apps[rng() % apps.size()];
    const std::string& org = orgs[rng() % orgs.size()];
    Event e;
    switch (rng() % 5) {
      case 0:
        e = Login(ts, user, org);
        break;
      case 1:
        e = ApiCall(ts, user, app, org);
        break;
      case 2:
        e = ApiCall(ts, user, app, org);
        e.app.reset();
        break;
      case 3:
        e = SettingEvent(ts, static_cast<fb::Setting>(rng() % 8), rng() % 2, org);
        break;
      default:
        e = Token(ts, user, app, static_cast<Grant>(rng() % 7));
        e.org = org;
        break;
    }
    if (rng() % 3 == 0) e.id = "id-" + std::to_string(i);
    if (rng() % 4 == 0) e.outcome = Outcome::success;
    out.push_back(std::move(e));
  }
  return out;
}

bool Matches(const ScanFilter& f, const Event& e) {
  return (!f.org || e.org == f.org) && (!f.user || e.user == f.user) &&
         (!f.app || e.app == f.app) && (!f.since || e.ts >= *f.since) &&
         (!f.until || e.ts < *f.until) && (!f.kind || e.kind == f.kind) &&
         (f.kinds.empty() || std::find(f.kinds.begin(), f.kinds.end(), e.kind) != f.kinds.end());
}

std::vector<ScanFilter> SampleFilters() {
  std::vector<ScanFilter> filters(17);
  filters[1].org = kOrgA;
  filters[2].org = kOrgB;
  filters[2].user = "ops@x.com";
  filters[3].org = kOrgA;
  filters[3].app = "appY";
  filters[4].org = kOrgA;
  filters[4].user = "0055g00000AAAAAAAA";
  filters[4].app = "appX";
  filters[5].user = "0055g00000BBBBBBBB";  // user without org
  filters[6].app = "3MVG9long.consumer.key";
  filters[7].since = kT0 + 5'000'000;
  filters[8].until = kT0 + 7'000'001;
  filters[9].org = kOrgB;
  filters[9].since = kT0 + 3'000'000;
  filters[9].until = kT0 + 9'000'000;
  filters[10].kind = Kind::kApiCall;
  filters[11].org = kOrgA;
  filters[11].user = "ops@x.com";
  filters[11].kind = Kind::kOauthToken;
  filters[11].since = kT0 + 1;
  filters[12].org = "00D000000000000AAA";  // unknown org
  filters[13].org = kOrgA;
  filters[13].user = "nobody";
  filters[14].kinds = {Kind::kOrgSetting, Kind::kLoginUi};  // any of them
  filters[15].org = kOrgB;
  filters[15].kinds = {Kind::kOauthToken, Kind::kApiCall};
  filters[15].kind = Kind::kApiCall;  // both apply: api.call only
  filters[16].kinds = {Kind::kOrgSetting};
  filters[16].kind = Kind::kLoginUi;  // disjoint: nothing
  return filters;
}

TEST(Store, EveryFilterSelectsExactlyItsEventsInFoldOrder) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable(37));
  ASSERT_NE(store, nullptr);
  const std::vector<Event> events = RandomEvents(3000, 1);
  Ingest(*store, std::vector<Event>(events.begin(), events.begin() + 1700));
  Ingest(*store, std::vector<Event>(events.begin() + 1700, events.end()));
  for (const ScanFilter& f : SampleFilters()) {
    std::vector<Event> want;
    for (const Event& e : events) {
      if (Matches(f, e)) want.push_back(e);
    }
    const std::vector<Scanned> got = Scan(*store, f);
    EXPECT_EQ(Canonicals(got), FoldOrder(want))
        << "org=" << f.org.value_or("-") << " user=" << f.user.value_or("-")
        << " app=" << f.app.value_or("-");
    for (const Scanned& s : got) EXPECT_TRUE(Matches(f, s.event));
  }
}

TEST(Store, ScanOrderDoesNotDependOnAppendOrder) {
  TempDir tmp;
  std::vector<Event> events = RandomEvents(2500, 7);
  auto first = OpenStore(tmp.Sub("first"), Writable(100));
  auto second = OpenStore(tmp.Sub("second"), Writable(13));
  ASSERT_TRUE(first && second);
  Ingest(*first, events);
  std::shuffle(events.begin(), events.end(), std::mt19937(99));
  Ingest(*second, std::vector<Event>(events.begin(), events.begin() + 1000));
  Ingest(*second, std::vector<Event>(events.begin() + 1000, events.end()));
  for (const ScanFilter& f : SampleFilters()) {
    const std::vector<Scanned> a = Scan(*first, f), b = Scan(*second, f);
    EXPECT_EQ(Canonicals(a), Canonicals(b));
    std::vector<uint64_t> seq_a, seq_b;
    for (const Scanned& s : a) seq_a.push_back(s.seq);
    for (const Scanned& s : b) seq_b.push_back(s.seq);
    if (a.size() > 10) {
      EXPECT_NE(seq_a, seq_b);  // same events, other arrival order
    }
  }
}

TEST(Store, ARunOfEqualTsAndKindLongerThanAChunkIsSortedWhole) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  std::vector<Event> events;
  for (int i = 2999; i >= 0; --i) events.push_back(Login(kT0, "user" + std::to_string(i)));
  events.push_back(Login(kT0 - 1, "early"));
  events.push_back(Authorize(kT0, "u", "a"));
  Ingest(*store, events);
  EXPECT_EQ(Canonicals(Scan(*store)), FoldOrder(events));
}

TEST(Store, ScanStopsAtTheFirstErrorFromTheCallback) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  Ingest(*store, {Login(kT0, "a"), Login(kT0 + 1, "b"), Login(kT0 + 2, "c")});
  int calls = 0;
  Status s = store->ScanEvents({}, [&](uint64_t, const Event&) {
    return ++calls == 2 ? Status::Busy("stop here") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kBusy);
  EXPECT_EQ(calls, 2);
}

// More events than the read-ahead queue holds chunks, so the reader blocks.
TEST(Store, ReadAheadScansTheSameEventsInTheSameOrder) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable(37));
  ASSERT_NE(store, nullptr);
  Ingest(*store, RandomEvents(9000, 3));
  for (ScanFilter f : SampleFilters()) {
    const std::vector<Scanned> plain = Scan(*store, f);
    f.read_ahead = true;
    const std::vector<Scanned> ahead = Scan(*store, f);
    ASSERT_EQ(ahead.size(), plain.size());
    for (size_t i = 0; i < plain.size(); ++i) {
      ASSERT_EQ(ahead[i].seq, plain[i].seq) << "at " << i;
      ASSERT_EQ(Canonical(ahead[i].event), Canonical(plain[i].event)) << "at " << i;
    }
  }
}

TEST(Store, ReadAheadStopsAtTheFirstErrorFromTheCallback) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  Ingest(*store, RandomEvents(9000, 5));
  const int total = static_cast<int>(Scan(*store).size());
  ASSERT_GT(total, 5000);
  ScanFilter f;
  f.read_ahead = true;
  for (int stop_at : {1, 1500, total - 1, total}) {
    int calls = 0;
    Status s = store->ScanEvents(f, [&](uint64_t, const Event&) {
      return ++calls == stop_at ? Status::Busy("stop here") : Status::Ok();
    });
    EXPECT_EQ(s.code(), StatusCode::kBusy);
    EXPECT_EQ(calls, stop_at);
  }
}

// ---- idempotency

TEST(Store, DuplicatesByIdAreScopedPerOrg) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  const Event e = WithId(Login(kT0, "u"), "0Ya000000000001");
  EXPECT_EQ(Ingest(*store, {e}).stored, 1u);
  IngestCounts again = Ingest(*store, {e, WithId(Login(kT0, "u", kOrgB), "0Ya000000000001")});
  EXPECT_EQ(again.duplicates, 1u);
  EXPECT_EQ(again.stored, 1u);  // the same id in another org is another record
  EXPECT_EQ(Scan(*store).size(), 2u);
}

TEST(Store, FindsEventsBySourceIdInEveryOrgThroughTheDedupIndex) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  Ingest(*store, {WithId(Login(kT0, "u"), "0Ya000000000001"), ApiCall(kT0, "u", "app"),
                  WithId(Login(kT0 + 5, "v", kOrgB), "0Ya000000000001"),
                  WithId(Login(kT0 + 9, "w"), "0Ya000000000002")});
  auto both = store->FindBySourceId("0Ya000000000001");
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  ASSERT_EQ(both->size(), 2u);
  EXPECT_LT((*both)[0], (*both)[1]);
  std::set<std::string> orgs;
  for (uint64_t seq : *both) {
    auto r = store->Get(seq);
    ASSERT_TRUE(r.ok());
    const Event& e = std::get<Event>(r->body);
    EXPECT_EQ(e.id, std::optional<std::string>("0Ya000000000001"));
    orgs.insert(e.org);
  }
  EXPECT_EQ(orgs.size(), 2u);
  auto one = store->FindBySourceId("0Ya000000000002");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(std::get<Event>(store->Get((*one)[0])->body).user, std::optional<std::string>("w"));
  auto none = store->FindBySourceId("0Ya000000000009");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(Store, DuplicatesByContentWithoutId) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable());
  ASSERT_NE(store, nullptr);
  Event e = ApiCall(kT0, "u", "app");
  Ingest(*store, {e});
  Event other = e;
  other.outcome = Outcome::failure;
  IngestCounts counts = Ingest(*store, {e, other, e});
  EXPECT_EQ(counts.duplicates, 2u);
  EXPECT_EQ(counts.stored, 1u);
  EXPECT_EQ(Scan(*store).size(), 2u);
}

TEST(Store, DuplicatesInsideOnePendingGroupAreCaught) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable(1000));
  ASSERT_NE(store, nullptr);
  auto w = store->BeginBatch({});
  ASSERT_OK(w.status());
  const Event by_id = WithId(Login(kT0, "u"), "X1");
  const Event by_content = Login(kT0, "v");
  EXPECT_EQ(*(*w)->Add(by_id), AddOutcome::kStored);
  EXPECT_EQ(*(*w)->Add(by_content), AddOutcome::kStored);
  EXPECT_EQ(*(*w)->Add(by_id), AddOutcome::kDuplicate);
  EXPECT_EQ(*(*w)->Add(by_content), AddOutcome::kDuplicate);
  Event conflict = by_id;
  conflict.user = "someone-else";
  auto r = (*w)->Add(conflict);
  ASSERT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(r.status().message(), "id already stored with different content (seq 2)");
  ASSERT_OK((*w)->Finish({}));
  EXPECT_EQ(Scan(*store).size(), 2u);
  EXPECT_OK(store->Verify(nullptr).status());
}

TEST(Store, ConflictingIdIsRejectedAndStoresNothing) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable(1));
  ASSERT_NE(store, nullptr);
  const Event original = WithId(ApiCall(kT0, "u", "appX"), "REQ-9");
  Ingest(*store, {Login(kT0, "a"), original});
  const Head before = store->head();
  auto w = store->BeginBatch({});
  ASSERT_OK(w.status());
  Event changed = original;
  changed.app = "appY";
  auto r = (*w)->Add(changed);
  ASSERT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(r.status().message(), "id already stored with different content (seq 3)");
  EXPECT_EQ(*(*w)->Add(original), AddOutcome::kDuplicate);
  ASSERT_OK((*w)->Finish({}));
  EXPECT_EQ(store->head().seq, before.seq + 2);  // only the batch records
  const std::vector<Scanned> all = Scan(*store);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].event, original);
  EXPECT_OK(store->Verify(nullptr).status());
}

TEST(Store, InvalidEventsAreRejectedBeforeAnythingIsWritten) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable(1));
  ASSERT_NE(store, nullptr);
  auto w = store->BeginBatch({});
  ASSERT_OK(w.status());
  EXPECT_EQ((*w)->Add(Login(kT0, "u", "00D5g000004Sxyz")).status().code(),
            StatusCode::kInvalidArgument);
  Event no_user = Login(kT0, "u");
  no_user.user.reset();
  EXPECT_EQ((*w)->Add(no_user).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*w)->Add(Login(kT0, std::string(70000, 'u'))).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*(*w)->Add(Login(kT0, "u")), AddOutcome::kStored);  // the writer still works
  ASSERT_OK((*w)->Finish({}));
  EXPECT_EQ(store->head().seq, 3u);
}

// ---- batches

TEST(Store, BatchesAreNumberedListedAndInterruptedOnesKept) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  {
    auto store = OpenStore(dir, Writable(2));
    ASSERT_NE(store, nullptr);
    Ingest(*store, {Login(kT0, "a")}, "one.jsonl");
    auto w = store->BeginBatch({0, kT0, "v", {"two.jsonl"}});
    ASSERT_OK(w.status());
    for (const char* u : {"b", "c", "d"}) ASSERT_OK((*w)->Add(Login(kT0, u)).status());
    // Abandoned: b and c were written as a group of 2, d was pending.
  }
  auto store = OpenStore(dir, Writable(2));
  ASSERT_NE(store, nullptr);
  Ingest(*store, {Login(kT0, "e")}, "three.jsonl");
  std::vector<std::tuple<uint64_t, uint32_t, std::string>> listed;
  ASSERT_OK(store->ScanBatches([&](uint64_t seq, const StoredRecord& r) {
    if (const auto* b = std::get_if<BatchBeginInfo>(&r.body)) {
      listed.emplace_back(seq, b->number, "begin " + b->inputs.at(0));
    } else {
      listed.emplace_back(seq, std::get<BatchEndInfo>(r.body).number, "end");
    }
    return Status::Ok();
  }));
  const std::vector<std::tuple<uint64_t, uint32_t, std::string>> want = {
      {1, 1, "begin one.jsonl"},
      {3, 1, "end"},
      {4, 2, "begin two.jsonl"},
      {7, 3, "begin three.jsonl"},
      {9, 3, "end"}};
  EXPECT_EQ(listed, want);
  std::map<std::string, uint32_t> batch_of;
  for (const Scanned& s : Scan(*store)) batch_of[*s.event.user] = store->Get(s.seq)->batch;
  EXPECT_EQ(batch_of, (std::map<std::string, uint32_t>{{"a", 1}, {"b", 2}, {"c", 2}, {"e", 3}}));
  EXPECT_OK(store->Verify(nullptr).status());
}

TEST(Store, OneBatchAtATimeAndNoneWhenReadOnly) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  {
    auto store = OpenStore(dir, Writable());
    ASSERT_NE(store, nullptr);
    auto first = store->BeginBatch({});
    ASSERT_OK(first.status());
    EXPECT_EQ(store->BeginBatch({}).status().code(), StatusCode::kFailedPrecondition);
    ASSERT_OK((*first)->Finish({}));
    EXPECT_EQ((*first)->Add(Login(kT0, "late")).status().code(), StatusCode::kFailedPrecondition);
    auto second = store->BeginBatch({});
    ASSERT_OK(second.status());
    EXPECT_EQ((*second)->number(), 2u);
  }
  auto reader = OpenStore(dir, ReadOnly());
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->BeginBatch({}).status().code(), StatusCode::kFailedPrecondition);
}

// ---- concurrency and versions

TEST(Store, SecondWriterIsBusyAndNamesTheHolder) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  auto writer = OpenStore(dir, Writable());
  ASSERT_NE(writer, nullptr);
  const std::string lock = ::authtrail::testing::ReadFile(dir + "/authtrail.lock");
  EXPECT_EQ(lock.rfind("pid " + std::to_string(getpid()) + " ", 0), 0u) << lock;
  EXPECT_EQ(lock.back(), '\n');
  auto second = Store::Open(dir, Writable());
  ASSERT_EQ(second.status().code(), StatusCode::kBusy);
  const std::string want =
      "store " + dir + " is locked by another writer (pid " + std::to_string(getpid()) + ": ";
  EXPECT_EQ(second.status().message().rfind(want, 0), 0u) << second.status().message();
  writer.reset();
  EXPECT_NE(OpenStore(dir, Writable()), nullptr);  // released on close
}

TEST(Store, ReadersOpenWhileAWriterAppends) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  auto writer = OpenStore(dir, Writable());
  ASSERT_NE(writer, nullptr);
  Ingest(*writer, {Login(kT0, "a"), Login(kT0, "b")});
  auto w = writer->BeginBatch({});
  ASSERT_OK(w.status());
  ASSERT_OK((*w)->Add(Login(kT0, "c")).status());
  ASSERT_OK((*w)->Flush());
  auto reader = OpenStore(dir, ReadOnly());  // sees everything written so far
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->head().seq, writer->head().seq);
  EXPECT_EQ(Scan(*reader).size(), 3u);
  // Index scans served from memtables (the writer's, and the reader's WAL replay).
  ScanFilter by_user;
  by_user.org = kOrgA;
  by_user.user = "c";
  EXPECT_EQ(Scan(*reader, by_user).size(), 1u);
  EXPECT_EQ(Scan(*writer, by_user).size(), 1u);
  auto report = reader->Verify(nullptr);
  ASSERT_OK(report.status());
  EXPECT_EQ(report->events, 3u);
  ASSERT_OK((*w)->Add(Login(kT0, "d")).status());  // the writer carries on
  ASSERT_OK((*w)->Finish({}));
  EXPECT_EQ(Scan(*reader).size(), 3u);  // a reader keeps the view it opened
  EXPECT_EQ(Scan(*OpenStore(dir, ReadOnly())).size(), 4u);
}

TEST(Store, NewerFormatVersionIsUnsupported) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  { ASSERT_NE(OpenStore(dir, Writable()), nullptr); }
  {
    RawDb raw(dir);
    raw.Put("meta", "format_version", std::string("\0\0\0\3", 4));
  }
  for (StoreOptions o : {ReadOnly(), Writable()}) {
    auto s = Store::Open(dir, o);
    ASSERT_EQ(s.status().code(), StatusCode::kUnsupported);
    EXPECT_EQ(
        s.status().message(),
        "store format version 3 is newer than this authtrail supports (2); upgrade authtrail");
  }
}

TEST(Store, ColumnFamiliesOfANewerFormatDoNotHideItsVersion) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  { ASSERT_NE(OpenStore(dir, Writable()), nullptr); }
  {
    rocksdb::DB* db = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
    for (auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &handles, &db).ok());
    rocksdb::ColumnFamilyHandle* extra = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "v2_stuff", &extra).ok());
    handles.push_back(extra);
    auto meta = std::find(names.begin(), names.end(), "meta") - names.begin();
    ASSERT_TRUE(db->Put({}, handles[meta], "format_version", std::string("\0\0\0\4", 4)).ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  EXPECT_EQ(Store::Open(dir, ReadOnly()).status().code(), StatusCode::kUnsupported);
}

// ---- crash safety

#ifndef AUTHTRAIL_CRASH_WRITER
#error "store_test needs AUTHTRAIL_CRASH_WRITER (path of store_crash_writer)"
#endif

// Starts the crash writer on `dir`; its stdout (one byte per written group)
// goes to the returned fd.
pid_t SpawnWriter(const std::string& dir, size_t per_group, int* out_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const std::string group = std::to_string(per_group);
  std::vector<char*> argv = {const_cast<char*>(AUTHTRAIL_CRASH_WRITER),
                             const_cast<char*>(dir.c_str()), const_cast<char*>(group.c_str()),
                             nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  *out_fd = fds[0];
  return pid;
}

// Bytes readable from `fd` until it reaches `want` or EOF.
size_t ReadBytes(int fd, size_t want) {
  size_t got = 0;
  char buf[256];
  while (got < want) {
    const ssize_t n = read(fd, buf, std::min(sizeof(buf), want - got));
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

TEST(StoreCrash, KillNineAtAnyMomentLosesNoWrittenGroupAndVerifies) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  constexpr size_t kPerGroup = 50;
  uint64_t acknowledged = 0;  // events in groups the writer reported written
  for (size_t round = 0; round < 4; ++round) {
    int fd = -1;
    const pid_t pid = SpawnWriter(dir, kPerGroup, &fd);
    ASSERT_GT(pid, 0);
    // Kill after a different number of groups each round, mid-stream.
    ASSERT_EQ(ReadBytes(fd, 7 + 13 * round), 7 + 13 * round);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status));
    acknowledged += kPerGroup * (7 + 13 * round + ReadBytes(fd, SIZE_MAX));
    close(fd);

    auto reader = OpenStore(dir, ReadOnly());
    ASSERT_NE(reader, nullptr);
    auto report = reader->Verify(nullptr);
    ASSERT_OK(report.status());
    EXPECT_GE(report->events, acknowledged);
    EXPECT_EQ(report->records, report->head.seq);
    EXPECT_GE(report->batches, round + 1);  // each writer began at least one
  }
  auto store = OpenStore(dir, Writable());  // a writer recovers and carries on
  ASSERT_NE(store, nullptr);
  Ingest(*store, {Login(kT0, "after-the-crashes")});
  EXPECT_OK(store->Verify(nullptr).status());
}

}  // namespace
}  // namespace authtrail::store
