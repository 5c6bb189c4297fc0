// bench/merkle: what keeping an RFC 6962 Merkle tree over the log costs, as a
// ratio to what hashing the leaves costs anyway, measured in the same run.
//
//   (a) leaf_sha256   SHA-256 of each leaf's bytes with the incremental Sha256
//                     class, as the integrity chain hashes each record: the
//                     baseline. (Not Sha256Of: OpenSSL 3's one-shot SHA256()
//                     goes through EVP_Q_digest and fetches the algorithm on
//                     every call, ~2.4x the cost for 250 bytes on this machine.)
//   (b) append        HashLeaf + Frontier::Append + keeping the finalized nodes
//                     in memory (what a store would add to its write batch)
//   (b') the same without keeping the nodes (hashing and frontier only)
//   (c) root          Frontier::Root after an append (what a checkpoint costs)
//   (d) inclusion proof generation / verification for random leaves in the
//       full tree, from an in-memory node source: median and p99 per proof
//   (e) consistency proof generation / verification between random sizes
//
// Prints name=value lines; append_vs_leaf_sha256 is the headline ratio.
// Usage: merkle_bench [--leaves N] [--leaf-bytes B] [--proofs K] [--runs R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "evidence/memory_nodes.h"
#include "evidence/merkle.h"

namespace {

using Clock = std::chrono::steady_clock;
using authtrail::evidence::Hash;

struct Args {
  size_t leaves = 1000000;  // not a power of two: the frontier holds 7 subtrees
  size_t leaf_bytes = 250;  // about one canonical event
  size_t proofs = 20000;
  int runs = 3;
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    size_t v = std::stoull(argv[i + 1]);
    if (k == "--leaves") {
      a.leaves = v;
    } else if (k == "--leaf-bytes") {
      a.leaf_bytes = v;
    } else if (k == "--proofs") {
      a.proofs = v;
    } else if (k == "--runs") {
      a.runs = static_cast<int>(v);
    } else {
      std::fprintf(stderr, "merkle_bench: unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// Leaf i is pool[i % pool size]: SHA-256 cost does not depend on content, and
// a 4,096-leaf pool keeps a million-leaf run at 1 MB instead of 250 MB.
class Leaves {
 public:
  explicit Leaves(const Args& a) : n_(a.leaves), pool_(4096, std::string(a.leaf_bytes, '\0')) {
    std::mt19937_64 rng(42);
    for (auto& l : pool_) {
      for (auto& c : l) c = static_cast<char>('a' + rng() % 26);
    }
  }
  size_t size() const { return n_; }
  const std::string& operator[](size_t i) const { return pool_[i % pool_.size()]; }

 private:
  size_t n_;
  std::vector<std::string> pool_;
};

volatile uint8_t g_sink;  // keeps results alive

// ns per leaf for (a).
double LeafSha256(const Leaves& leaves) {
  auto t0 = Clock::now();
  for (size_t i = 0; i < leaves.size(); ++i) {
    authtrail::Sha256 h;  // as the chain hashes (store/batch_writer.cc), not Sha256Of: see below
    h.Update(leaves[i]);
    g_sink = g_sink + h.Finish()[0];
  }
  return Seconds(Clock::now() - t0) * 1e9 / leaves.size();
}

// ns per leaf for (b); leaves the tree in *nodes and *frontier.
double Append(const Leaves& leaves, authtrail::evidence::MemoryNodes* nodes,
              authtrail::evidence::Frontier* frontier) {
  std::vector<authtrail::evidence::Node> finalized;
  auto t0 = Clock::now();
  for (size_t i = 0; i < leaves.size(); ++i) {
    finalized.clear();
    frontier->Append(authtrail::evidence::HashLeaf(leaves[i]), &finalized);
    if (!nodes->Add(finalized).ok()) std::abort();
  }
  return Seconds(Clock::now() - t0) * 1e9 / leaves.size();
}

// ns per leaf for HashLeaf + Frontier::Append alone (finalized nodes dropped).
double FrontierOnly(const Leaves& leaves) {
  authtrail::evidence::Frontier frontier;
  std::vector<authtrail::evidence::Node> finalized;
  auto t0 = Clock::now();
  for (size_t i = 0; i < leaves.size(); ++i) {
    finalized.clear();
    frontier.Append(authtrail::evidence::HashLeaf(leaves[i]), &finalized);
  }
  g_sink = g_sink + frontier.Root()[0];
  return Seconds(Clock::now() - t0) * 1e9 / leaves.size();
}

double RootNs(const authtrail::evidence::Frontier& f, int reps) {
  auto t0 = Clock::now();
  for (int i = 0; i < reps; ++i) g_sink = g_sink + f.Root()[0];
  return Seconds(Clock::now() - t0) * 1e9 / reps;
}

struct Latencies {
  std::vector<double> gen_ns, verify_ns;
  size_t hashes = 0;
};

Latencies Inclusion(const Leaves& leaves, const Args& a,
                    const authtrail::evidence::MemoryNodes& nodes, const Hash& root) {
  std::mt19937_64 rng(7);
  Latencies lat;
  for (size_t k = 0; k < a.proofs; ++k) {
    uint64_t i = rng() % leaves.size();
    Hash leaf = authtrail::evidence::HashLeaf(leaves[i]);
    auto t0 = Clock::now();
    auto proof = authtrail::evidence::InclusionProof(i, leaves.size(), nodes);
    auto t1 = Clock::now();
    if (!proof.ok()) std::abort();
    bool ok = authtrail::evidence::VerifyInclusion(i, leaves.size(), leaf, *proof, root);
    auto t2 = Clock::now();
    if (!ok) std::abort();
    lat.gen_ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    lat.verify_ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count());
    lat.hashes += proof->size();
  }
  return lat;
}

Latencies Consistency(const Args& a, const authtrail::evidence::MemoryNodes& nodes,
                      const std::vector<Hash>& roots_by_size, const std::vector<uint64_t>& sizes) {
  std::mt19937_64 rng(11);
  Latencies lat;
  for (size_t k = 0; k < a.proofs; ++k) {
    size_t x = rng() % sizes.size(), y = rng() % sizes.size();
    if (sizes[x] > sizes[y]) std::swap(x, y);
    auto t0 = Clock::now();
    auto proof = authtrail::evidence::ConsistencyProof(sizes[x], sizes[y], nodes);
    auto t1 = Clock::now();
    if (!proof.ok()) std::abort();
    bool ok = authtrail::evidence::VerifyConsistency(sizes[x], sizes[y], roots_by_size[x],
                                                     roots_by_size[y], *proof);
    auto t2 = Clock::now();
    if (!ok) std::abort();
    lat.gen_ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    lat.verify_ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count());
    lat.hashes += proof->size();
  }
  return lat;
}

void PrintLatencies(const char* name, const Latencies& l) {
  std::printf("%s_gen_ns_median=%.0f\n%s_gen_ns_p99=%.0f\n", name, Median(l.gen_ns), name,
              Percentile(l.gen_ns, 0.99));
  std::printf("%s_verify_ns_median=%.0f\n%s_verify_ns_p99=%.0f\n", name, Median(l.verify_ns), name,
              Percentile(l.verify_ns, 0.99));
  std::printf("%s_hashes_mean=%.1f\n", name, static_cast<double>(l.hashes) / l.gen_ns.size());
}

}  // namespace

int main(int argc, char** argv) {
  Args a = ParseArgs(argc, argv);
  Leaves leaves(a);
  std::vector<double> sha, append, frontier_only;
  authtrail::evidence::MemoryNodes nodes;
  authtrail::evidence::Frontier frontier;
  for (int r = 0; r < a.runs; ++r) {  // alternate baseline and subject
    sha.push_back(LeafSha256(leaves));
    nodes = {};
    frontier = {};
    append.push_back(Append(leaves, &nodes, &frontier));
    frontier_only.push_back(FrontierOnly(leaves));
  }
  // Roots at a spread of sizes for the consistency proofs, from a second pass.
  std::vector<uint64_t> sizes;
  std::vector<Hash> roots;
  for (uint64_t s = 1; s <= leaves.size(); s = s * 3 / 2 + 1) sizes.push_back(s);
  sizes.push_back(leaves.size());
  for (uint64_t s : sizes) roots.push_back(*authtrail::evidence::RootFromSource(s, nodes));

  std::printf("leaves=%zu\nleaf_bytes=%zu\nruns=%d\n", a.leaves, a.leaf_bytes, a.runs);
  std::printf("leaf_sha256_ns_per_leaf=%.1f\n", Median(sha));
  std::printf("append_ns_per_leaf=%.1f\n", Median(append));
  std::printf("append_leaves_per_s=%.0f\n", 1e9 / Median(append));
  std::printf("frontier_only_ns_per_leaf=%.1f\n", Median(frontier_only));
  std::printf("root_ns=%.0f\n", RootNs(frontier, 100000));
  PrintLatencies("inclusion", Inclusion(leaves, a, nodes, frontier.Root()));
  PrintLatencies("consistency", Consistency(a, nodes, roots, sizes));
  std::printf("append_vs_leaf_sha256=%.2f\n", Median(append) / Median(sha));
  return 0;
}
