// bench/replay: replay speed against a plain RocksDB scan of the same records,
// measured in one run (shared/perf.md). On a generated store (one large org,
// many small ones):
//   raw_scan   iterate the store's `log` column family reading every value
//   checked_scan   the same iteration, each value also through the FlatBuffers
//              Verifier (issue 2: every read from disk), nothing else
//   verified_scan  the same iteration, each value decoded by DecodeRecord
//              (Verifier, then the owned Event the replay works on)
//   store_scan every event through Store::ScanEvents in fold order with
//              read-ahead, as replay reads them, and nothing else: the floor
//              of any replay on this store before fold, rules and output
//   replay     `authtrail replay` (five decision columns, output to /dev/null)
//   diff       `authtrail diff --from api2014 --to sep2025`
//   explain    in-process latency of explaining random api.call events, without
//              checkpoints, then after `authtrail snapshot --every 2000`
// Prints name=value lines; the last is replay_vs_raw_scan=<ratio of rates>.
// Usage: replay_bench --authtrail BIN [--events N] [--orgs N] [--runs R]
//                     [--explain N] [--explain-seconds S] [--dir DIR]
#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/options_util.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "schemas/authtrail_generated.h"
#include "schemas/record_codec.h"
#include "store/store.h"
#include "tools/explain.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace authtrail;

namespace {

struct Args {
  std::string authtrail, dir = "/tmp/authtrail-replay-bench";
  uint64_t events = 10'000'000;
  uint32_t orgs = 200;
  int runs = 3;
  size_t explain = 1000;
  double explain_seconds = 120;
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "replay_bench: %s\n", why.c_str());
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
    else if (k == "--orgs")
      a.orgs = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--runs")
      a.runs = std::stoi(v);
    else if (k == "--explain")
      a.explain = std::stoull(v);
    else if (k == "--explain-seconds")
      a.explain_seconds = std::stod(v);
    else if (k == "--dir")
      a.dir = v;
    else
      Die("unknown option " + k);
  }
  if (a.authtrail.empty()) Die("usage: replay_bench --authtrail BIN [--events N] ...");
  return a;
}

struct ProcessRun {
  double seconds;
  long peak_rss_kb;
};

ProcessRun RunTool(const std::string& bin, std::vector<std::string> args) {
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    std::vector<char*> argv{const_cast<char*>(bin.c_str())};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("authtrail " + args[0] + " failed");
  return {std::chrono::duration<double>(Clock::now() - start).count(), ru.ru_maxrss};
}

// Builds the store once per (events, orgs); later runs reuse it.
std::string PrepareStore(const Args& a) {
  std::string tag = std::to_string(a.events) + "-" + std::to_string(a.orgs);
  std::string store = a.dir + "/store-" + tag, history = a.dir + "/history-" + tag + ".jsonl";
  if (fs::exists(store + "/.complete")) return store;
  fs::create_directories(a.dir);
  fs::remove_all(store);
  uint32_t users = std::max<uint32_t>(a.orgs * 40, 2000);
  RunTool(a.authtrail, {"gen", "--orgs", std::to_string(a.orgs), "--users", std::to_string(users),
                        "--events", std::to_string(a.events), "--seed", "1", "--out", history});
  ProcessRun in = RunTool(a.authtrail, {"ingest", "--db", store, history});
  std::printf("setup_ingest_s=%.2f\n", in.seconds);
  fs::remove(history);
  std::FILE* f = std::fopen((store + "/.complete").c_str(), "w");
  if (f) std::fclose(f);
  return store;
}

enum class ScanWork { kNone, kVerifier, kDecode };

// Runs the FlatBuffers Verifier on an aligned copy of `value` (RocksDB hands
// out values at any address), as DecodeRecord does first.
bool PassesVerifier(rocksdb::Slice value) {
  thread_local std::vector<uint64_t> copy;
  copy.resize(value.size() / sizeof(uint64_t) + 1);
  std::memcpy(copy.data(), value.data(), value.size());
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(copy.data()), value.size());
  return fb::VerifyRecordBuffer(verifier);
}

// (baseline) every value of the log column family, read in key order, and
// with `work` also verified (checked_scan) or decoded (verified_scan).
std::pair<double, uint64_t> RawScan(const std::string& store, ScanWork work = ScanWork::kNone) {
  rocksdb::DBOptions dbo;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  if (!rocksdb::LoadLatestOptions(rocksdb::ConfigOptions(), store, &dbo, &cfs).ok()) Die("options");
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(dbo, store, cfs, &handles, &db).ok()) Die("open");
  auto start = Clock::now();
  uint64_t n = 0, bytes = 0;
  for (size_t i = 0; i < cfs.size(); ++i) {
    if (cfs[i].name != "log") continue;
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++n;
      bytes += it->value().size();
      const bool bad =
          (work == ScanWork::kVerifier && !PassesVerifier(it->value())) ||
          (work == ScanWork::kDecode && !DecodeRecord(it->value().ToStringView()).ok());
      if (bad) Die("corrupt record");
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  if (bytes == 0) Die("empty log");
  return {secs, n};
}

// Every event in fold order through the store's own read path.
double StoreScan(const std::string& store) {
  auto st = store::Store::Open(store, store::StoreOptions{});
  if (!st.ok()) Die(st.status().ToString());
  store::ScanFilter f;
  f.read_ahead = true;
  uint64_t n = 0;
  auto start = Clock::now();
  Status s = (*st)->ScanEvents(f, [&](uint64_t, const Event&) {
    ++n;
    return Status::Ok();
  });
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (!s.ok() || n == 0) Die("store scan failed: " + s.ToString());
  return secs;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Removes the store's checkpoints (a cached store may have them from a run).
void ClearCheckpoints(const std::string& store) {
  store::StoreOptions o;
  o.writable = true;
  auto st = store::Store::Open(store, o);
  if (!st.ok()) Die(st.status().ToString());
  if (Status s = (*st)->ClearCheckpoints(); !s.ok()) Die(s.ToString());
}

void ExplainLatency(const Args& a, const std::string& store, const char* name) {
  auto st = store::Store::Open(store, store::StoreOptions{});
  if (!st.ok()) Die(st.status().ToString());
  std::vector<uint64_t> access;
  store::ScanFilter f;
  f.kind = Kind::kApiCall;
  Status s = (*st)->ScanEvents(f, [&](uint64_t seq, const Event&) {
    access.push_back(seq);
    return Status::Ok();
  });
  if (!s.ok() || access.empty()) Die("no api.call events");
  std::mt19937_64 rng(5);
  std::vector<double> ms;
  auto deadline = Clock::now() + std::chrono::duration<double>(a.explain_seconds);
  for (size_t i = 0; i < a.explain && Clock::now() < deadline; ++i) {
    uint64_t seq = access[rng() % access.size()];
    auto t0 = Clock::now();
    auto found = tools::FindEvent(st->get(), std::to_string(seq));
    if (!found.ok()) Die(found.status().ToString());
    auto line = tools::ExplainDecide(st->get(), found->second, seq, {});
    if (!line.ok()) Die(line.status().ToString());
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::printf("%s_samples=%zu\n%s_median_ms=%.2f\n%s_p99_ms=%.2f\n", name, ms.size(), name,
              Percentile(ms, 0.5), name, Percentile(ms, 0.99));
  std::fflush(stdout);
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

}  // namespace

int main(int argc, char** argv) {
  Args a = ParseArgs(argc, argv);
  std::string store = PrepareStore(a);
  std::vector<double> raw_s, replay_s, checked_s, verified_s, store_s;
  uint64_t records = 0;
  long replay_rss = 0;
  for (int r = 0; r < a.runs; ++r) {
    auto [secs, n] = RawScan(store);
    raw_s.push_back(secs);
    records = n;
    ProcessRun rp = RunTool(a.authtrail, {"replay", "--db", store});
    replay_s.push_back(rp.seconds);
    replay_rss = std::max(replay_rss, rp.peak_rss_kb);
    checked_s.push_back(RawScan(store, ScanWork::kVerifier).first);
    verified_s.push_back(RawScan(store, ScanWork::kDecode).first);
    store_s.push_back(StoreScan(store));
    std::printf("run%d_raw_scan_s=%.3f\nrun%d_replay_s=%.3f\n", r, secs, r, rp.seconds);
    std::printf("run%d_checked_scan_s=%.3f\nrun%d_verified_scan_s=%.3f\nrun%d_store_scan_s=%.3f\n",
                r, checked_s.back(), r, verified_s.back(), r, store_s.back());
    std::fflush(stdout);
  }
  ProcessRun diff =
      RunTool(a.authtrail, {"diff", "--db", store, "--from", "api2014", "--to", "sep2025"});
  double raw = Median(raw_s), rep = Median(replay_s);
  std::printf("records=%llu\n", static_cast<unsigned long long>(records));
  std::printf("raw_scan_s_median=%.3f\nraw_scan_records_per_s=%.0f\n", raw, records / raw);
  std::printf("replay_s_median=%.3f (min %.3f, max %.3f)\nreplay_records_per_s=%.0f\n", rep,
              *std::min_element(replay_s.begin(), replay_s.end()),
              *std::max_element(replay_s.begin(), replay_s.end()), records / rep);
  std::printf("replay_peak_rss_mb=%.1f\ndiff_s=%.3f\n", replay_rss / 1024.0, diff.seconds);
  const double checked = Median(checked_s), verified = Median(verified_s),
               scanned = Median(store_s);
  std::printf("checked_scan_s_median=%.3f\nverified_scan_s_median=%.3f\nstore_scan_s_median=%.3f\n",
              checked, verified, scanned);
  // The best replay_vs_raw_scan a replay can reach when it does nothing but
  // run the Verifier (ceiling_checked), verify and decode (ceiling_verified),
  // or read through the store in fold order (ceiling_store_scan).
  std::printf("ceiling_checked=%.2f\nceiling_verified=%.2f\nceiling_store_scan=%.2f\n",
              raw / checked, raw / verified, raw / scanned);
  std::printf("replay_vs_store_scan=%.2f\n", scanned / rep);
  ClearCheckpoints(store);
  ExplainLatency(a, store, "explain_no_snapshots");
  ProcessRun snap = RunTool(a.authtrail, {"snapshot", "--db", store, "--every", "2000"});
  std::printf("snapshot_s=%.3f\n", snap.seconds);
  ExplainLatency(a, store, "explain_with_snapshots");
  std::printf("replay_vs_raw_scan=%.2f\n", raw / rep);
  return 0;
}
