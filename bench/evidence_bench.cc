// bench/evidence: evidence from a real store (issue 5).
//
//   (a) ingest with and without the Merkle tree: the same generated events
//       appended through Store::BeginBatch / Add / Finish (parse excluded:
//       events are parsed once up front) into a fresh store, alternating,
//       --runs times each. "Without" sets StoreOptions::bench_skip_merkle
//       (store.h: benchmark only), which skips HashLeaf, Frontier::Append and
//       the merkle-family Puts and nothing else, so the difference is exactly
//       what keeping the tree costs at append.
//   (b) inclusion proof generation, Store::InclusionProof(seq, tree size), for
//       random records of the last "with" store, and verification of each
//       (HashLeaf of the record's bytes + VerifyInclusion): median and p99.
//   (c) evidence bundle generation, tools::BuildEvidence for random access
//       events (fold of the org up to the event without replay snapshots,
//       proofs, signatures, and the self-check that re-verifies the bundle):
//       median and p99, and the median bundle size; then again after
//       `authtrail snapshot` (replay state every 2,000 events of an org), as
//       a user who asks for evidence often would have (bundle_with_snapshots).
//
// Prints name=value lines; the last is merkle_ingest_cost=<median time with
// tree / median time without> (1.10 = the tree adds 10 % to an append).
// Usage: evidence_bench [--events N] [--orgs N] [--users N] [--runs R]
//                       [--proofs K] [--bundles B] [--dir DIR]
//        evidence_bench --store DIR [--proofs K] [--bundles B]
//   The second form measures only (b) and (c), on random access events of an
//   existing store (e.g. bench/replay's 10M-record store, with its snapshots),
//   and prints no merkle_ingest_cost.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "evidence/keys.h"
#include "evidence/merkle.h"
#include "ingest/jsonl.h"
#include "store/store.h"
#include "tools/checkpoints.h"
#include "tools/evidence_build.h"
#include "tools/generator.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace authtrail;

namespace {

struct Args {
  uint64_t events = 200000;
  uint32_t orgs = 20, users = 4000;
  int runs = 3;
  size_t proofs = 20000, bundles = 200;
  std::string dir = "/tmp/authtrail-evidence-bench";
  std::string store;  // --store: measure (b) and (c) on this store only
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--events") {
      a.events = std::stoull(v);
    } else if (k == "--orgs") {
      a.orgs = std::stoul(v);
    } else if (k == "--users") {
      a.users = std::stoul(v);
    } else if (k == "--runs") {
      a.runs = std::stoi(v);
    } else if (k == "--proofs") {
      a.proofs = std::stoull(v);
    } else if (k == "--bundles") {
      a.bundles = std::stoull(v);
    } else if (k == "--dir") {
      a.dir = v;
    } else if (k == "--store") {
      a.store = v;
    } else {
      std::fprintf(stderr, "evidence_bench: unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Sorts *v; the value at quantile q (0.5 = median).
double Quantile(std::vector<double>* v, double q) {
  std::sort(v->begin(), v->end());
  return (*v)[std::min(v->size() - 1, static_cast<size_t>(q * v->size()))];
}

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "evidence_bench: %s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "evidence_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

std::vector<Event> GenerateEvents(const Args& a) {
  std::stringstream text;
  tools::Generate({a.orgs, a.users, a.events, 1}, text);
  std::vector<Event> events;
  ingest::JsonlParser parser;
  std::string line;
  while (std::getline(text, line)) {
    Event e;
    ingest::LineError error;
    if (!parser.Parse(line, &e, &error)) {
      std::fprintf(stderr, "evidence_bench: generated line rejected: %s\n", error.reason.c_str());
      std::exit(1);
    }
    events.push_back(std::move(e));
  }
  return events;
}

// Appends every event to a fresh store in `dir`; seconds.
double Ingest(const std::string& dir, const std::vector<Event>& events, bool with_tree) {
  fs::remove_all(dir);
  store::StoreOptions o;
  o.writable = o.create_if_missing = true;
  o.bench_skip_merkle = !with_tree;
  auto st = Check(store::Store::Open(dir, o), "open");
  Clock::time_point start = Clock::now();
  auto writer = Check(st->BeginBatch({0, 0, "bench", {"generated"}}), "begin");
  for (const Event& e : events) Check(writer->Add(e), "add");
  Check(writer->Finish({}), "finish");
  return Seconds(Clock::now() - start);
}

// Returns median time with the tree / without.
double ReportIngest(const Args& a, const std::vector<Event>& events, const std::string& keep) {
  std::vector<double> with, without;
  for (int run = 0; run < a.runs; ++run) {
    without.push_back(Ingest(a.dir + "/without", events, false));
    with.push_back(Ingest(keep, events, true));
  }
  fs::remove_all(a.dir + "/without");
  double w = Quantile(&with, 0.5), wo = Quantile(&without, 0.5);
  std::printf("events=%zu\n", events.size());
  std::printf("ingest_with_tree_s_median=%.3f\n", w);
  std::printf("ingest_without_tree_s_median=%.3f\n", wo);
  std::printf("ingest_with_tree_events_per_s=%.0f\n", events.size() / w);
  std::printf("ingest_without_tree_events_per_s=%.0f\n", events.size() / wo);
  return w / wo;
}

void ReportProofs(const Args& a, store::Store* st) {
  const store::TreeHead head = Check(st->TreeHeadAt(), "tree head");
  std::mt19937_64 rng(7);
  std::vector<double> gen_us, verify_us;
  for (size_t i = 0; i < a.proofs; ++i) {
    const uint64_t seq = 1 + rng() % head.size;
    const std::string leaf = ChainBytes(Check(st->Get(seq), "get"));
    Clock::time_point t0 = Clock::now();
    std::vector<Digest> proof = Check(st->InclusionProof(seq, head.size), "proof");
    Clock::time_point t1 = Clock::now();
    bool ok =
        evidence::VerifyInclusion(seq - 1, head.size, evidence::HashLeaf(leaf), proof, head.root);
    Clock::time_point t2 = Clock::now();
    if (!ok) Check(Status::Corruption("proof of seq " + std::to_string(seq)), "verify");
    gen_us.push_back(Seconds(t1 - t0) * 1e6);
    verify_us.push_back(Seconds(t2 - t1) * 1e6);
  }
  std::printf("tree_size=%llu\n", static_cast<unsigned long long>(head.size));
  std::printf("inclusion_proof_gen_us_median=%.2f\n", Quantile(&gen_us, 0.5));
  std::printf("inclusion_proof_gen_us_p99=%.2f\n", Quantile(&gen_us, 0.99));
  std::printf("inclusion_proof_verify_us_median=%.2f\n", Quantile(&verify_us, 0.5));
  std::printf("inclusion_proof_verify_us_p99=%.2f\n", Quantile(&verify_us, 0.99));
}

// `label` prefixes the names ("bundle" without replay snapshots).
bool IsDecided(const Event& e) { return IsAccessKind(e.kind) && e.kind != Kind::kOauthRevoke; }

// The seqs of the generated access events: one batch, so seq 1 is its
// BatchBegin and event i is seq i + 2.
std::vector<uint64_t> AccessSeqs(const std::vector<Event>& events) {
  std::vector<uint64_t> access;
  for (size_t i = 0; i < events.size(); ++i) {
    if (IsDecided(events[i])) access.push_back(i + 2);
  }
  return access;
}

// Up to n random access events of an existing store.
std::vector<uint64_t> SampleAccessSeqs(store::Store* st, size_t n) {
  std::mt19937_64 rng(13);
  std::vector<uint64_t> access;
  const uint64_t head = st->head().seq;
  for (size_t tries = 0; access.size() < n && tries < 20 * n && head > 0; ++tries) {
    const uint64_t seq = 1 + rng() % head;
    const StoredRecord r = Check(st->Get(seq), "get");
    const Event* e = std::get_if<Event>(&r.body);
    if (e != nullptr && IsDecided(*e)) access.push_back(seq);
  }
  return access;
}

void ReportBundles(const Args& a, store::Store* st, const std::vector<uint64_t>& access,
                   const char* label) {
  std::array<uint8_t, 32> seed{};
  seed.fill(9);
  const evidence::SigningKey key = evidence::SigningKey::FromSeed(seed);
  std::mt19937_64 rng(11);
  std::vector<double> ms, bytes;
  for (size_t i = 0; i < a.bundles && !access.empty(); ++i) {
    tools::EvidenceRequest request;
    request.event = std::to_string(access[rng() % access.size()]);
    Clock::time_point t0 = Clock::now();
    evidence::Bundle b = Check(tools::BuildEvidence(st, request, key), "bundle");
    ms.push_back(Seconds(Clock::now() - t0) * 1e3);
    bytes.push_back(static_cast<double>(evidence::FormatBundle(b).size()));
  }
  std::printf("%s_gen_ms_median=%.2f\n", label, Quantile(&ms, 0.5));
  std::printf("%s_gen_ms_p99=%.2f\n", label, Quantile(&ms, 0.99));
  std::printf("%s_bytes_median=%.0f\n", label, Quantile(&bytes, 0.5));
}

// `authtrail snapshot` (every 2,000 events of an org) on the kept store.
void BuildSnapshots(const std::string& dir) {
  store::StoreOptions o;
  o.writable = true;
  auto st = Check(store::Store::Open(dir, o), "open writable");
  tools::CheckpointStats stats;
  Clock::time_point t0 = Clock::now();
  Check(tools::BuildCheckpoints(st.get(), 2000, nullptr, &stats), "snapshots");
  std::printf("snapshot_s=%.2f\n", Seconds(Clock::now() - t0));
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = ParseArgs(argc, argv);
  if (!a.store.empty()) {  // proofs and bundles on an existing store, no ingest
    auto st = Check(store::Store::Open(a.store, store::StoreOptions{}), "open read-only");
    ReportProofs(a, st.get());
    ReportBundles(a, st.get(), SampleAccessSeqs(st.get(), a.bundles), "store_bundle");
    return 0;
  }
  fs::create_directories(a.dir);
  const std::vector<Event> events = GenerateEvents(a);
  const std::string keep = a.dir + "/with";
  const double cost = ReportIngest(a, events, keep);
  auto st = Check(store::Store::Open(keep, store::StoreOptions{}), "open read-only");
  ReportProofs(a, st.get());
  const std::vector<uint64_t> access = AccessSeqs(events);
  ReportBundles(a, st.get(), access, "bundle");
  st.reset();
  BuildSnapshots(keep);
  st = Check(store::Store::Open(keep, store::StoreOptions{}), "open read-only");
  ReportBundles(a, st.get(), access, "bundle_with_snapshots");
  st.reset();
  fs::remove_all(a.dir);
  std::printf("merkle_ingest_cost=%.3f\n", cost);
  return 0;
}
