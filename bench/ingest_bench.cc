// bench/ingest: how fast `authtrail ingest` appends, against what the machine
// allows, measured in one run (shared/perf.md: ratios to a baseline run in the
// same invocation, alternating, median of several runs).
//
//   (a) ingest      the real `authtrail ingest` binary on a generated JSONL file
//                   (parse, validate, canonicalize, hash chain, dedup, 4 indexes)
//   (b) raw_append  RocksDB WriteBatch appends (1,000 per batch) of the very values
//                   (a) stored, with the same DB and column-family options (loaded
//                   from the store's own OPTIONS file), no indexes, no hashing
//   (c) read_file   reading the input file through a 1 MiB buffer (the I/O floor)
//   (d) layout      RocksDB WriteBatch appends of every entry (a) wrote, in every
//                   column family, grouped by record as the store groups them
//                   (1,000 records per write, dedup keys sorted per write, one
//                   head per write), with the store's own options: what RocksDB
//                   alone costs for this layout, whatever the ingest code does.
//                   Also the same for the entries the issue requires at least
//                   (log, by_org, by_user, by_app, dedup: no chain, by_time,
//                   merkle, batches). raw_append / layout is the best
//                   ingest_vs_raw_append an ingest writing that layout can reach.
//
// Prints name=value lines; the last is ingest_vs_raw_append=<ratio of rates>.
// Usage: ingest_bench --authtrail BIN [--events N] [--runs R] [--dir DIR] [--without CF,CF]
#include <fcntl.h>
#include <malloc.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/options_util.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string authtrail;
  size_t events = 2'000'000;
  int runs = 3;
  std::string dir = "/tmp/authtrail-bench";
  // --without CF,CF: also time the store's layout without these families
  // (what a format change dropping them could gain).
  std::vector<std::string> without;
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "ingest_bench: %s\n", why.c_str());
  std::exit(1);
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--authtrail")
      a.authtrail = v;
    else if (k == "--events")
      a.events = std::stoull(v);
    else if (k == "--runs")
      a.runs = std::stoi(v);
    else if (k == "--dir")
      a.dir = v;
    else if (k == "--without")
      for (size_t at = 0; at <= v.size();) {
        const size_t comma = std::min(v.find(',', at), v.size());
        a.without.push_back(v.substr(at, comma - at));
        at = comma + 1;
      }
    else
      Die("unknown option " + k);
  }
  if (a.authtrail.empty())
    Die("usage: ingest_bench --authtrail BIN [--events N] [--runs R] [--dir DIR] [--without "
        "CF,CF]");
  return a;
}

// ---- (input) realistic events: 10 orgs, 5,000 users, 60 apps, mostly API calls ----

// A 15-character id: prefix + characters derived from n (same n, same id).
std::string Id15(const char* prefix, uint64_t n) {
  static const char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string s = prefix;
  std::mt19937_64 local(n * 7919 + s.size());
  while (s.size() < 15) s += kAlnum[local() % 62];
  return s;
}

std::string FormatTs(int64_t micros) {
  time_t secs = micros / 1'000'000;
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros % 1'000'000));
  return buf;
}

std::string EventLine(uint64_t i, int64_t ts, std::mt19937_64* rng) {
  std::string org = Id15("00D5g00000", (*rng)() % 10);
  std::string user = Id15("0055g0000", (*rng)() % 5000);
  std::string app = "3MVG9" + Id15("fTLmJ6", (*rng)() % 60) + "xYz";
  std::string head = "{\"ts\":\"" + FormatTs(ts) + "\",\"org\":\"" + org + "\",";
  unsigned r = (*rng)() % 100;
  char id[32];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(i * 2654435761u));
  if (r < 70) {
    static const char* kFam[] = {"rest_data", "soap_data", "bulk", "metadata"};
    return head + "\"kind\":\"api.call\",\"user\":\"" + user + "\",\"app\":\"" + app +
           "\",\"api_family\":\"" + kFam[(*rng)() % 4] +
           "\",\"outcome\":\"success\",\"source\":\"EventLogFile\",\"id\":\"" + id + "\"}";
  }
  if (r < 82) {
    return head + "\"kind\":\"oauth.token\",\"user\":\"" + user + "\",\"app\":\"" + app +
           "\",\"grant\":\"refresh_token\",\"outcome\":\"success\",\"status\":\"Success\",\"id\":"
           "\"" +
           id + "\"}";
  }
  if (r < 87) {
    return head + "\"kind\":\"oauth.authorize\",\"user\":\"" + user + "\",\"app\":\"" + app +
           "\",\"flow\":\"web_server\",\"outcome\":\"success\",\"source\":\"LoginHistory\",\"id\":"
           "\"" +
           id + "\"}";
  }
  if (r < 97) {
    return head + "\"kind\":\"login.ui\",\"user\":\"" + user +
           "\",\"outcome\":\"success\",\"status\":\"Success\",\"source\":\"LoginHistory\",\"id\":"
           "\"" +
           id + "\"}";
  }
  return head + "\"kind\":\"permset.assign\",\"permset\":\"" + Id15("0PS5g0000", (*rng)() % 40) +
         "\",\"user\":\"" + user + "\",\"actor\":\"" + Id15("0055g0000", 1) +
         "\",\"source\":\"SetupAuditTrail\",\"id\":\"" + id + "\"}";
}

uint64_t GenerateInput(const std::string& path, size_t n) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) Die("cannot write " + path);
  std::mt19937_64 rng(42);
  int64_t ts = 1'500'000'000'000'000;  // 2017-07-14
  uint64_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    ts += static_cast<int64_t>(rng() % 60'000'000);
    std::string line = EventLine(i, ts - static_cast<int64_t>(rng() % 5'000'000), &rng) + "\n";
    bytes += line.size();
    std::fwrite(line.data(), 1, line.size(), f);
  }
  std::fclose(f);
  return bytes;
}

// ---- (a) the real binary ----

struct ProcessRun {
  double seconds;
  long peak_rss_kb;
};

ProcessRun RunIngest(const std::string& bin, const std::string& db, const std::string& input) {
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execl(bin.c_str(), bin.c_str(), "ingest", "--db", db.c_str(), input.c_str(), nullptr);
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("authtrail ingest failed");
  return {secs, ru.ru_maxrss};
}

// ---- (b) raw RocksDB append with the store's own options ----

struct StoreOptions {
  rocksdb::DBOptions db;
  rocksdb::ColumnFamilyOptions log_cf;
};

StoreOptions LoadStoreOptions(const std::string& store) {
  StoreOptions o;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  rocksdb::ConfigOptions config;
  rocksdb::Status s = rocksdb::LoadLatestOptions(config, store, &o.db, &cfs);
  if (!s.ok()) Die("cannot load the store's options: " + s.ToString());
  for (auto& cf : cfs) {
    if (cf.name == "log") o.log_cf = cf.options;
  }
  return o;
}

std::vector<std::string> ReadLogValues(const std::string& store) {
  StoreOptions o = LoadStoreOptions(store);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  rocksdb::LoadLatestOptions(rocksdb::ConfigOptions(), store, &o.db, &cfs);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(o.db, store, cfs, &handles, &db);
  if (!s.ok()) Die("cannot open store: " + s.ToString());
  std::vector<std::string> values;
  for (size_t i = 0; i < cfs.size(); ++i) {
    if (cfs[i].name != "log") continue;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) values.push_back(it->value().ToString());
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return values;
}

double RawAppend(const std::string& path, const StoreOptions& so,
                 const std::vector<std::string>& values) {
  rocksdb::Options options(so.db, so.log_cf);
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(options, path, &db).ok()) Die("cannot create raw db");
  auto start = Clock::now();
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < values.size(); ++i) {
    char key[8];
    uint64_t seq = i + 1;
    for (int b = 7; b >= 0; --b, seq >>= 8) key[b] = static_cast<char>(seq & 0xff);
    batch.Put(rocksdb::Slice(key, 8), values[i]);
    if (batch.Count() == 1000 || i + 1 == values.size()) {
      if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) Die("raw write failed");
      batch.Clear();
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  delete db;
  return secs;
}

// ---- (d) the store's own entries, appended raw ----

struct Entry {
  uint64_t seq;
  uint32_t cf;  // index into Layout::cfs
  std::string key, value;
};

struct Layout {
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  rocksdb::DBOptions db;
  std::vector<Entry> entries;  // by seq, then column family order
};

uint64_t BigEndian64(std::string_view b) {
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

// The record an entry belongs to (docs/format.md key layouts); 0 = none.
uint64_t SeqOf(const std::string& cf, std::string_view key, std::string_view value) {
  if (cf == "log" || cf == "chain" || cf == "batches") return BigEndian64(key);
  if (cf.rfind("by_", 0) == 0 && key.size() >= 8) return BigEndian64(key.substr(key.size() - 8));
  if (cf == "dedup") return BigEndian64(value);
  if (cf == "merkle" && key.size() == 9) {
    // node (level, index) completes with leaf (index + 1) << level
    return (BigEndian64(key.substr(1)) + 1) << static_cast<unsigned char>(key[0]);
  }
  return 0;  // meta (head, org numbers) and default: added per write below
}

Layout ReadLayout(const std::string& store) {
  Layout l;
  rocksdb::LoadLatestOptions(rocksdb::ConfigOptions(), store, &l.db, &l.cfs);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(l.db, store, l.cfs, &handles, &db);
  if (!s.ok()) Die("cannot open store: " + s.ToString());
  for (size_t i = 0; i < l.cfs.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const uint64_t seq =
          SeqOf(l.cfs[i].name, it->key().ToStringView(), it->value().ToStringView());
      if (seq == 0) continue;
      l.entries.push_back(
          {seq, static_cast<uint32_t>(i), it->key().ToString(), it->value().ToString()});
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  std::stable_sort(l.entries.begin(), l.entries.end(),
                   [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
  return l;
}

struct LayoutRun {
  double seconds;
  double entries_per_record;
};

// Appends the entries of the column families in `keep` (all when empty) but
// those in `drop` the way BatchWriter groups them: 1,000 records per
// WriteBatch, the write's dedup keys sorted, one meta head per write.
LayoutRun AppendLayout(const std::string& path, const Layout& l,
                       const std::vector<std::string>& keep,
                       const std::vector<std::string>& drop = {}) {
  rocksdb::DBOptions dbo = l.db;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(dbo, path, l.cfs, &handles, &db).ok()) Die("cannot create layout db");
  auto listed = [&](const std::vector<std::string>& names, uint32_t cf) {
    return std::find(names.begin(), names.end(), l.cfs[cf].name) != names.end();
  };
  auto kept = [&](uint32_t cf) { return (keep.empty() || listed(keep, cf)) && !listed(drop, cf); };
  uint32_t meta = 0, dedup = 0;
  for (uint32_t i = 0; i < l.cfs.size(); ++i) {
    if (l.cfs[i].name == "meta") meta = i;
    if (l.cfs[i].name == "dedup") dedup = i;
  }
  const std::string head(40, 'h');
  size_t written = 0, records = 0;
  auto start = Clock::now();
  rocksdb::WriteBatch batch;
  std::vector<const Entry*> dedup_keys;
  auto write = [&] {
    std::sort(dedup_keys.begin(), dedup_keys.end(),
              [](const Entry* a, const Entry* b) { return a->key < b->key; });
    for (const Entry* e : dedup_keys) batch.Put(handles[dedup], e->key, e->value);
    written += dedup_keys.size();
    dedup_keys.clear();
    batch.Put(handles[meta], "head", head);
    if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) Die("layout write failed");
    batch.Clear();
  };
  uint64_t last_seq = 0;
  for (const Entry& e : l.entries) {
    if (e.seq != last_seq) {
      if (records > 0 && records % 1000 == 0) write();
      ++records;
      last_seq = e.seq;
    }
    if (!kept(e.cf)) continue;
    if (e.cf == dedup) {
      dedup_keys.push_back(&e);
      continue;
    }
    batch.Put(handles[e.cf], e.key, e.value);
    ++written;
  }
  write();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return {secs, static_cast<double>(written) / static_cast<double>(records)};
}

// ---- (c) the I/O floor ----

double ReadFile(const std::string& path) {
  auto start = Clock::now();
  int fd = open(path.c_str(), O_RDONLY);
  std::vector<char> buf(1 << 20);
  while (read(fd, buf.data(), buf.size()) > 0) {
  }
  close(fd);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- size on disk after compaction ----

struct Sizes {
  uint64_t log_bytes, store_bytes;
};

Sizes CompactAndMeasure(const std::string& store) {
  StoreOptions o = LoadStoreOptions(store);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  rocksdb::LoadLatestOptions(rocksdb::ConfigOptions(), store, &o.db, &cfs);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(o.db, store, cfs, &handles, &db).ok()) Die("cannot open store");
  Sizes s{0, 0};
  for (size_t i = 0; i < handles.size(); ++i) {
    rocksdb::CompactRangeOptions cro;
    cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    db->CompactRange(cro, handles[i], nullptr, nullptr);
    rocksdb::ColumnFamilyMetaData meta;
    db->GetColumnFamilyMetaData(handles[i], &meta);
    if (cfs[i].name == "log") s.log_bytes = meta.size;
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  for (const auto& e : fs::recursive_directory_iterator(store)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.rfind("LOG", 0) != 0) s.store_bytes += e.file_size();
  }
  return s;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Args a = ParseArgs(argc, argv);
  fs::remove_all(a.dir);
  fs::create_directories(a.dir);
  std::string input = a.dir + "/events.jsonl";
  uint64_t bytes = GenerateInput(input, a.events);
  double mb = static_cast<double>(bytes) / 1e6;
  std::printf("events=%zu\ninput_bytes=%llu\nbytes_per_event_json=%.1f\n", a.events,
              static_cast<unsigned long long>(bytes), static_cast<double>(bytes) / a.events);

  // The entries the issue requires at least: the log, the event-time index
  // per org, the user and app indexes, idempotency (issue 2 "Store").
  const std::vector<std::string> kIssueMinimum = {"log", "by_org", "by_user", "by_app", "dedup"};
  std::vector<double> ingest_s, raw_s, read_s, layout_s, minimum_s, without_s;
  LayoutRun layout_run{}, minimum_run{}, without_run{};
  long peak_rss_kb = 0;
  std::string store;
  for (int run = 0; run < a.runs; ++run) {
    read_s.push_back(ReadFile(input));
    store = a.dir + "/store" + std::to_string(run);
    // The child's peak RSS counts the pages it shares with this process
    // until exec (ru_maxrss keeps the high-water mark across exec): give the
    // previous run's baselines' memory back to the OS first.
    malloc_trim(0);
    ProcessRun p = RunIngest(a.authtrail, store, input);
    ingest_s.push_back(p.seconds);
    peak_rss_kb = std::max(peak_rss_kb, p.peak_rss_kb);
    std::vector<std::string> values = ReadLogValues(store);
    StoreOptions so = LoadStoreOptions(store);
    std::string raw = a.dir + "/raw" + std::to_string(run);
    raw_s.push_back(RawAppend(raw, so, values));
    fs::remove_all(raw);
    {
      const Layout layout = ReadLayout(store);
      layout_run = AppendLayout(raw, layout, {});
      layout_s.push_back(layout_run.seconds);
      fs::remove_all(raw);
      minimum_run = AppendLayout(raw, layout, kIssueMinimum);
      minimum_s.push_back(minimum_run.seconds);
      fs::remove_all(raw);
      if (!a.without.empty()) {
        without_run = AppendLayout(raw, layout, {}, a.without);
        without_s.push_back(without_run.seconds);
        fs::remove_all(raw);
      }
    }
    std::printf("run%d_layout_append_s=%.3f\nrun%d_minimum_layout_append_s=%.3f\n", run,
                layout_s.back(), run, minimum_s.back());
    std::printf("run%d_ingest_s=%.3f\nrun%d_raw_append_s=%.3f\n", run, ingest_s.back(), run,
                raw_s.back());
    std::fflush(stdout);
    if (run + 1 < a.runs) fs::remove_all(store);
  }
  double ing = Median(ingest_s), raw = Median(raw_s), rd = Median(read_s);
  Sizes sizes = CompactAndMeasure(store);
  std::printf("ingest_s_median=%.3f (min %.3f, max %.3f)\n", ing,
              *std::min_element(ingest_s.begin(), ingest_s.end()),
              *std::max_element(ingest_s.begin(), ingest_s.end()));
  std::printf("raw_append_s_median=%.3f (min %.3f, max %.3f)\n", raw,
              *std::min_element(raw_s.begin(), raw_s.end()),
              *std::max_element(raw_s.begin(), raw_s.end()));
  std::printf("read_file_s_median=%.3f\n", rd);
  const double lay = Median(layout_s), lay_min = Median(minimum_s);
  std::printf("layout_entries_per_event=%.2f\nlayout_append_s_median=%.3f (min %.3f, max %.3f)\n",
              layout_run.entries_per_record, lay,
              *std::min_element(layout_s.begin(), layout_s.end()),
              *std::max_element(layout_s.begin(), layout_s.end()));
  std::printf("minimum_layout_entries_per_event=%.2f\nminimum_layout_append_s_median=%.3f\n",
              minimum_run.entries_per_record, lay_min);
  std::printf("ceiling_store_layout=%.2f\nceiling_minimum_layout=%.2f\n", raw / lay, raw / lay_min);
  if (!without_s.empty()) {
    const double lay_without = Median(without_s);
    std::printf("without_entries_per_event=%.2f\nwithout_append_s_median=%.3f\n",
                without_run.entries_per_record, lay_without);
    std::printf("ceiling_without=%.2f\n", raw / lay_without);
  }
  std::printf("ingest_vs_layout_append=%.2f\n", lay / ing);
  std::printf("ingest_events_per_s=%.0f\ningest_mb_per_s=%.1f\n", a.events / ing, mb / ing);
  std::printf("raw_append_events_per_s=%.0f\nread_file_mb_per_s=%.1f\n", a.events / raw, mb / rd);
  std::printf("ingest_peak_rss_mb=%.1f\n", peak_rss_kb / 1024.0);
  std::printf("log_bytes_per_event=%.1f\nstore_bytes_per_event=%.1f\n",
              static_cast<double>(sizes.log_bytes) / a.events,
              static_cast<double>(sizes.store_bytes) / a.events);
  std::printf("ingest_vs_raw_append=%.2f\n", raw / ing);
  return 0;
}
