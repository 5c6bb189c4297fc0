#include "evidence/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/memory_nodes.h"
#include "tests/support/test_support.h"

namespace authtrail::evidence {
namespace {

// Reference vectors of the Certificate Transparency / Trillian projects, as
// published in transparency-dev/merkle proof/verify_test.go (leaves, roots of
// sizes 1..8, inclusion proofs with 1-based leaf numbers, consistency proofs).
const char* const kLeavesHex[] = {"",
                                  "00",
                                  "10",
                                  "2021",
                                  "3031",
                                  "40414243",
                                  "5051525354555657",
                                  "606162636465666768696a6b6c6d6e6f"};
const char* const kRootsHex[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct ProofVector {
  uint64_t a, b;  // inclusion: 1-based leaf, size; consistency: old size, new size
  std::vector<const char*> proof;
};

const ProofVector kInclusion[] = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {3, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {2,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

const ProofVector kConsistency[] = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

std::string Unhex(const char* hex) {
  std::string out;
  EXPECT_TRUE(FromHex(hex, &out)) << hex;
  return out;
}

Hash HashFromHex(const char* hex) {
  std::string bytes = Unhex(hex);
  Hash h{};
  EXPECT_EQ(bytes.size(), h.size()) << hex;
  std::copy_n(bytes.begin(), std::min(bytes.size(), h.size()), h.begin());
  return h;
}

std::vector<Hash> HashesFromHex(const std::vector<const char*>& hexes) {
  std::vector<Hash> out;
  for (const char* h : hexes) out.push_back(HashFromHex(h));
  return out;
}

// A tree built by appending: its persisted nodes and the root at every size.
struct Tree {
  MemoryNodes nodes;
  std::vector<Hash> roots{EmptyTreeHash()};  // roots[s] = MTH of the first s leaves
  Frontier frontier;

  void Append(std::string_view leaf) {
    std::vector<Node> finalized;
    frontier.Append(HashLeaf(leaf), &finalized);
    EXPECT_OK(nodes.Add(finalized));
    roots.push_back(frontier.Root());
  }
};

Tree ReferenceTree() {
  Tree t;
  for (const char* hex : kLeavesHex) t.Append(Unhex(hex));
  return t;
}

Tree GeneratedTree(uint64_t n) {
  Tree t;
  for (uint64_t i = 0; i < n; ++i) t.Append("leaf " + std::to_string(i));
  return t;
}

TEST(MerkleHash, EmptyTreeIsSha256OfNothing) {
  EXPECT_EQ(Hex(EmptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(MerkleHash, LeafAndNodeUseDomainSeparationPrefixes) {
  EXPECT_EQ(HashLeaf("abc"), Sha256Of(std::string("\x00", 1) + "abc"));
  Hash a = HashLeaf("a"), b = HashLeaf("b");
  std::string cat = "\x01" + std::string(a.begin(), a.end()) + std::string(b.begin(), b.end());
  EXPECT_EQ(HashChildren(a, b), Sha256Of(cat));
}

TEST(Frontier, RootAfterEachAppendMatchesReferenceRoots) {
  Tree t = ReferenceTree();
  ASSERT_EQ(t.roots.size(), 9u);
  EXPECT_EQ(t.roots[0], EmptyTreeHash());
  for (size_t s = 1; s <= 8; ++s) {
    EXPECT_EQ(Hex(t.roots[s]), kRootsHex[s - 1]) << "size " << s;
    auto from_nodes = RootFromSource(s, t.nodes);
    ASSERT_OK(from_nodes.status());
    EXPECT_EQ(*from_nodes, t.roots[s]) << "size " << s;
  }
}

TEST(Frontier, ReportsEveryCompleteNodeOnceLowestFirst) {
  Frontier f;
  std::vector<Node> got;
  for (int i = 0; i < 4; ++i) f.Append(HashLeaf(std::to_string(i)), &got);
  std::vector<NodeId> want = {{0, 0}, {0, 1}, {1, 0}, {0, 2}, {0, 3}, {1, 1}, {2, 0}};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i].id, want[i]) << i;
  EXPECT_EQ(got.back().hash, f.Root());  // a perfect tree's root is its top node
}

TEST(Frontier, PersistsUnderTwoNodesPerLeafAndCoversSizeWithPopcountNodes) {
  Tree t = GeneratedTree(100);
  size_t stored = 0;
  for (uint32_t level = 0; level < 8; ++level) {
    for (uint64_t i = 0; t.nodes.GetNode({level, i}).ok(); ++i) ++stored;
  }
  EXPECT_EQ(stored, 197u);                  // 2n - popcount(n): 100 + 50 + 25 + 12 + 6 + 3 + 1
  auto ids = Frontier::CoveringNodes(100);  // 100 = 64 + 32 + 4
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], (NodeId{6, 0}));
  EXPECT_EQ(ids[1], (NodeId{5, 2}));
  EXPECT_EQ(ids[2], (NodeId{2, 24}));
}

TEST(Frontier, LoadResumesWhereAppendLeftOff) {
  Tree full = GeneratedTree(77);
  Tree half = GeneratedTree(45);
  auto loaded = Frontier::Load(45, half.nodes);
  ASSERT_OK(loaded.status());
  EXPECT_EQ(loaded->Root(), full.roots[45]);
  std::vector<Node> sink;
  for (int i = 45; i < 77; ++i) loaded->Append(HashLeaf("leaf " + std::to_string(i)), &sink);
  EXPECT_EQ(loaded->Root(), full.roots[77]);
}

TEST(Frontier, LoadReportsMissingNode) {
  Tree t = GeneratedTree(5);
  auto loaded = Frontier::Load(6, t.nodes);  // (1, 2) was never completed
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
}

TEST(InclusionProof, MatchesReferenceVectorsAndVerifies) {
  Tree t = ReferenceTree();
  for (const ProofVector& v : kInclusion) {
    uint64_t index = v.a - 1, size = v.b;
    auto proof = InclusionProof(index, size, t.nodes);
    ASSERT_OK(proof.status());
    EXPECT_EQ(*proof, HashesFromHex(v.proof)) << "leaf " << index << " size " << size;
    Hash leaf = HashLeaf(Unhex(kLeavesHex[index]));
    EXPECT_TRUE(VerifyInclusion(index, size, leaf, *proof, t.roots[size]));
  }
}

TEST(ConsistencyProof, MatchesReferenceVectorsAndVerifies) {
  Tree t = ReferenceTree();
  for (const ProofVector& v : kConsistency) {
    auto proof = ConsistencyProof(v.a, v.b, t.nodes);
    ASSERT_OK(proof.status());
    EXPECT_EQ(*proof, HashesFromHex(v.proof)) << v.a << " -> " << v.b;
    EXPECT_TRUE(VerifyConsistency(v.a, v.b, t.roots[v.a], t.roots[v.b], *proof));
  }
}

TEST(InclusionProof, RejectsLeafBeyondSizeAndReportsMissingNodes) {
  Tree t = GeneratedTree(8);
  EXPECT_EQ(InclusionProof(8, 8, t.nodes).status().code(), StatusCode::kInvalidArgument);
  auto missing = InclusionProof(0, 9, t.nodes);  // leaf 8 not stored
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("merkle node (0, 8)"), std::string::npos)
      << missing.status().message();
}

TEST(ConsistencyProof, RejectsShrinkingAndGivesEmptyProofsForTrivialSizes) {
  Tree t = GeneratedTree(8);
  EXPECT_EQ(ConsistencyProof(5, 4, t.nodes).status().code(), StatusCode::kInvalidArgument);
  auto same = ConsistencyProof(5, 5, t.nodes);
  ASSERT_OK(same.status());
  EXPECT_TRUE(same->empty());
  EXPECT_TRUE(VerifyConsistency(5, 5, t.roots[5], t.roots[5], {}));
  EXPECT_FALSE(VerifyConsistency(5, 5, t.roots[5], t.roots[4], {}));
  EXPECT_TRUE(VerifyConsistency(0, 8, EmptyTreeHash(), t.roots[8], {}));
  EXPECT_FALSE(VerifyConsistency(0, 8, EmptyTreeHash(), t.roots[8], std::vector<Hash>{t.roots[8]}));
  EXPECT_FALSE(VerifyConsistency(4, 8, t.roots[4], t.roots[8], {}));
}

TEST(VerifyInclusion, RejectsEmptyTreeAndIndexOutOfRange) {
  Tree t = GeneratedTree(1);
  Hash leaf = HashLeaf("leaf 0");
  EXPECT_TRUE(VerifyInclusion(0, 1, leaf, {}, t.roots[1]));
  EXPECT_FALSE(VerifyInclusion(0, 0, leaf, {}, leaf));
  EXPECT_FALSE(VerifyInclusion(1, 1, leaf, {}, leaf));
  EXPECT_FALSE(VerifyInclusion(0, 1, leaf, std::vector<Hash>{leaf}, leaf));
}

// The verifier trusts (size, root) as a pair, which is why a checkpoint signs
// both: leaf 0's path in a 4-leaf tree has the same shape in a 3-leaf tree.
TEST(VerifyInclusion, SizeIsOnlyMeaningfulTogetherWithItsRoot) {
  Tree t = GeneratedTree(4);
  auto proof = InclusionProof(0, 4, t.nodes);
  ASSERT_OK(proof.status());
  EXPECT_TRUE(VerifyInclusion(0, 3, HashLeaf("leaf 0"), *proof, t.roots[4]));
  EXPECT_FALSE(VerifyInclusion(0, 3, HashLeaf("leaf 0"), *proof, t.roots[3]));
}

constexpr uint64_t kMaxSize = 64;

std::vector<Hash> FlipByte(std::vector<Hash> proof, size_t element, size_t byte) {
  proof[element][byte] ^= 0x20;
  return proof;
}

TEST(InclusionProperty, EveryProofVerifiesAndAnySingleChangeFails) {
  Tree t = GeneratedTree(kMaxSize);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      auto got = InclusionProof(i, n, t.nodes);
      ASSERT_OK(got.status());
      const std::vector<Hash>& p = *got;
      Hash leaf = HashLeaf("leaf " + std::to_string(i));
      ASSERT_TRUE(VerifyInclusion(i, n, leaf, p, t.roots[n])) << i << "/" << n;
      EXPECT_FALSE(VerifyInclusion(i, n, HashLeaf("other"), p, t.roots[n]));
      for (size_t e = 0; e < p.size(); ++e) {
        EXPECT_FALSE(VerifyInclusion(i, n, leaf, FlipByte(p, e, (i + e) % 32), t.roots[n]))
            << "flipped element " << e << " of " << i << "/" << n;
        if (e + 1 < p.size()) {
          auto swapped = p;
          std::swap(swapped[e], swapped[e + 1]);
          EXPECT_FALSE(VerifyInclusion(i, n, leaf, swapped, t.roots[n]));
        }
      }
      for (uint64_t j = 0; j < n; ++j) {
        if (j != i) {
          EXPECT_FALSE(VerifyInclusion(j, n, leaf, p, t.roots[n])) << j;
        }
      }
      for (uint64_t m = i + 1; m <= kMaxSize; ++m) {
        if (m != n) {
          EXPECT_FALSE(VerifyInclusion(i, m, leaf, p, t.roots[m])) << "size " << m;
        }
      }
      if (!p.empty()) {
        std::vector<Hash> shorter(p.begin(), p.end() - 1);
        EXPECT_FALSE(VerifyInclusion(i, n, leaf, shorter, t.roots[n]));
      }
      auto longer = p;
      longer.push_back(t.roots[n]);
      EXPECT_FALSE(VerifyInclusion(i, n, leaf, longer, t.roots[n]));
    }
  }
}

void ExpectConsistencyTamperingFails(const Tree& t, uint64_t m, uint64_t n,
                                     const std::vector<Hash>& p) {
  const Hash &r1 = t.roots[m], &r2 = t.roots[n];
  EXPECT_FALSE(VerifyConsistency(m, n, r2, r1, p));
  for (size_t e = 0; e < p.size(); ++e) {
    EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, FlipByte(p, e, (m + n + e) % 32)))
        << "flipped element " << e << " of " << m << "->" << n;
    if (e + 1 < p.size()) {
      auto swapped = p;
      std::swap(swapped[e], swapped[e + 1]);
      EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, swapped));
    }
  }
  for (uint64_t m2 = 1; m2 <= n; ++m2) {
    if (m2 != m) {
      EXPECT_FALSE(VerifyConsistency(m2, n, t.roots[m2], r2, p)) << "old " << m2;
    }
  }
  for (uint64_t n2 = m; n2 <= kMaxSize; ++n2) {
    if (n2 != n) {
      EXPECT_FALSE(VerifyConsistency(m, n2, r1, t.roots[n2], p)) << "new " << n2;
    }
  }
  EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, std::vector<Hash>(p.begin(), p.end() - 1)));
  auto longer = p;
  longer.push_back(r1);
  EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, longer));
}

TEST(ConsistencyProperty, EveryProofVerifiesAndAnySingleChangeFails) {
  Tree t = GeneratedTree(kMaxSize);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      auto got = ConsistencyProof(m, n, t.nodes);
      ASSERT_OK(got.status());
      ASSERT_TRUE(VerifyConsistency(m, n, t.roots[m], t.roots[n], *got)) << m << "->" << n;
      if (m < n) ExpectConsistencyTamperingFails(t, m, n, *got);
    }
  }
}

}  // namespace
}  // namespace authtrail::evidence
