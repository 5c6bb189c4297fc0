// The store's Merkle tree: kept at append across groups and batches, proofs
// that verify, backfill of stores without it, damage caught by Verify.
#include "evidence/merkle.h"

#include <gtest/gtest.h>

#include "common/coding.h"
#include "evidence/memory_nodes.h"
#include "store/store_test_util.h"

namespace authtrail::store {
namespace {

using namespace testing;  // NOLINT: store test helpers
using ::authtrail::testing::TempDir;
using evidence::Hash;

std::string NodeKey(uint8_t level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  PutBigEndian64(&key, index);
  return key;
}

// The tree of the store's records built in memory from Get (the reference).
struct MemoryTree {
  evidence::MemoryNodes nodes;
  evidence::Frontier frontier;
  std::vector<Hash> leaves;

  explicit MemoryTree(Store& store) {
    std::vector<evidence::Node> finalized;
    for (uint64_t seq = 1; seq <= store.head().seq; ++seq) {
      Result<StoredRecord> r = store.Get(seq);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok()) return;
      leaves.push_back(evidence::HashLeaf(ChainBytes(*r)));
      frontier.Append(leaves.back(), &finalized);
    }
    EXPECT_TRUE(nodes.Add(finalized).ok());
  }
  Hash Root(uint64_t size) const {
    Result<Hash> root = evidence::RootFromSource(size, nodes);
    EXPECT_TRUE(root.ok()) << root.status().ToString();
    return root.ok() ? *root : Hash{};
  }
};

Event Numbered(int i) {
  return WithId(ApiCall(kT0 + i * 1000, "user" + std::to_string(i % 4), "app"),
                "ev-" + std::to_string(i));
}

void ExpectTreeOfRecords(Store& store) {
  Result<TreeHead> tree = store.TreeHeadAt();
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  const MemoryTree expected(store);
  EXPECT_EQ(tree->size, store.head().seq);
  EXPECT_EQ(tree->root, expected.Root(store.head().seq)) << "size " << tree->size;
}

// Builds a closed store of a few batches (groups of 4 events).
void BuildStore(const std::string& dir, int events = 50) {
  auto store = OpenStore(dir, Writable(4));
  ASSERT_NE(store, nullptr);
  std::vector<Event> first, second;
  for (int i = 0; i < events; ++i) (i < events / 2 ? first : second).push_back(Numbered(i));
  Ingest(*store, first, "a");
  Ingest(*store, second, "b");
}

TEST(StoreMerkle, RootAfterEveryAppendEqualsTheTreeOfTheRecords) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("db"), Writable(3));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->TreeHeadAt()->root, evidence::EmptyTreeHash());
  int next = 0;
  while (store->head().seq < 70) {
    auto writer = store->BeginBatch({0, kT0, "test", {"in"}});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_NO_FATAL_FAILURE(ExpectTreeOfRecords(*store));
    for (int i = 0; i < 11 && store->head().seq < 70; ++i) {
      ASSERT_TRUE((*writer)->Add(Numbered(next++)).ok());
      ASSERT_TRUE((*writer)->Flush().ok());
      ASSERT_NO_FATAL_FAILURE(ExpectTreeOfRecords(*store));
    }
    ASSERT_TRUE((*writer)->Finish({}).ok());
    ASSERT_NO_FATAL_FAILURE(ExpectTreeOfRecords(*store));
  }
}

TEST(StoreMerkle, TreeSurvivesReopenAndGroupsWrittenInTheBackground) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(BuildStore(tmp.Sub("db"), 70));
  for (const StoreOptions& o : {ReadOnly(), Writable(4)}) {
    auto store = OpenStore(tmp.Sub("db"), o);
    ASSERT_NE(store, nullptr);
    ASSERT_NO_FATAL_FAILURE(ExpectTreeOfRecords(*store));
  }
  auto store = OpenStore(tmp.Sub("db"), Writable(4));
  ASSERT_NE(store, nullptr);
  Ingest(*store, {Numbered(100), Numbered(101)}, "c");
  ASSERT_NO_FATAL_FAILURE(ExpectTreeOfRecords(*store));
}

TEST(StoreMerkle, InclusionAndConsistencyProofsVerify) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(BuildStore(tmp.Sub("db"), 30));
  auto store = OpenStore(tmp.Sub("db"), ReadOnly());
  ASSERT_NE(store, nullptr);
  const MemoryTree tree(*store);
  const uint64_t n = store->head().seq;
  for (uint64_t size = 1; size <= n; ++size) {
    const Hash root = tree.Root(size);
    for (uint64_t seq = 1; seq <= size; ++seq) {
      Result<std::vector<Digest>> proof = store->InclusionProof(seq, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_TRUE(evidence::VerifyInclusion(seq - 1, size, tree.leaves[seq - 1], *proof, root))
          << "seq " << seq << " size " << size;
    }
    for (uint64_t m = 0; m <= size; ++m) {
      Result<std::vector<Digest>> proof = store->ConsistencyProof(m, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      const Hash old_root = m == 0 ? evidence::EmptyTreeHash() : tree.Root(m);
      EXPECT_TRUE(evidence::VerifyConsistency(m, size, old_root, root, *proof))
          << m << " -> " << size;
    }
  }
  EXPECT_EQ(store->InclusionProof(0, n).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->InclusionProof(1, n + 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ConsistencyProof(2, 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreMerkle, StoreWithoutMerkleFamilyIsBackfilledByAWritableOpen) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  Hash before;
  {
    auto store = OpenStore(dir, ReadOnly());
    ASSERT_NE(store, nullptr);
    before = store->TreeHeadAt()->root;
  }
  { RawDb(dir).DropFamily("merkle"); }
  {
    auto store = OpenStore(dir, ReadOnly());  // an old store: still readable
    ASSERT_NE(store, nullptr);
    Result<TreeHead> tree = store->TreeHeadAt();
    EXPECT_EQ(tree.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(tree.status().message().find("open it for writing"), std::string::npos);
    EXPECT_EQ(store->InclusionProof(1, 1).status().code(), StatusCode::kFailedPrecondition);
    Result<VerifyReport> report = store->Verify(nullptr);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_FALSE(report->tree_root.has_value());
  }
  { OpenStore(dir, Writable()); }
  auto store = OpenStore(dir, ReadOnly());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->TreeHeadAt()->root, before);
  Result<VerifyReport> report = store->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tree_root, before);
}

TEST(StoreMerkle, EmptiedMerkleFamilyIsBackfilled) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  Hash before;
  {
    auto store = OpenStore(dir, ReadOnly());
    ASSERT_NE(store, nullptr);
    before = store->TreeHeadAt()->root;
  }
  {
    RawDb raw(dir);
    for (const std::string& key : raw.Keys("merkle")) raw.Delete("merkle", key);
  }
  {
    auto store = OpenStore(dir, ReadOnly());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->TreeHeadAt().status().code(), StatusCode::kFailedPrecondition);
  }
  auto store = OpenStore(dir, Writable());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->TreeHeadAt()->root, before);
  Result<VerifyReport> report = store->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
}

uint64_t HeadOf(const std::string& dir) {
  auto store = OpenStore(dir, ReadOnly());
  return store == nullptr ? 0 : store->head().seq;
}

TEST(StoreMerkle, DeletedLeafIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  const uint64_t head = HeadOf(dir);
  ASSERT_EQ(head % 2, 0u);  // leaf head-1 is below a stored parent, not a covering node
  { RawDb(dir).Delete("merkle", NodeKey(0, head - 1)); }
  auto store = OpenStore(dir, ReadOnly());
  ASSERT_NE(store, nullptr);
  const Status s = store->Verify(nullptr).status();
  EXPECT_EQ(s.message(), "seq " + std::to_string(head) + ": merkle leaf missing") << s.ToString();
}

// A covering node gone: the frontier cannot be loaded read-only.
TEST(StoreMerkle, PartialTreeInAReadOnlyOpenIsReportedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  const evidence::NodeId last = evidence::Frontier::CoveringNodes(HeadOf(dir)).back();
  { RawDb(dir).Delete("merkle", NodeKey(static_cast<uint8_t>(last.level), last.index)); }
  auto store = OpenStore(dir, ReadOnly());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->TreeHeadAt().status().code(), StatusCode::kFailedPrecondition);
  Result<VerifyReport> report = store->Verify(nullptr);
  EXPECT_EQ(report.status().code(), StatusCode::kCorruption);
  const std::string name =
      "merkle node (" + std::to_string(last.level) + ", " + std::to_string(last.index) + ")";
  EXPECT_NE(report.status().message().find(name), std::string::npos) << report.status().ToString();
}

Status VerifyAfterPut(const std::string& dir, const std::string& key, const std::string& value) {
  { RawDb(dir).Put("merkle", key, value); }
  auto store = OpenStore(dir, ReadOnly());
  if (store == nullptr) return Status::IOError("cannot open");
  return store->Verify(nullptr).status();
}

TEST(StoreMerkle, TamperedLeafNodeIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  const Status s = VerifyAfterPut(dir, NodeKey(0, 5), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "seq 6: merkle leaf does not match the record");
}

TEST(StoreMerkle, TamperedInnerNodeIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  const Status s = VerifyAfterPut(dir, NodeKey(2, 1), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("merkle node (2, 1) does not match its children"), std::string::npos)
      << s.ToString();
}

TEST(StoreMerkle, ExtraNodeIsCaughtByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  const Status s = VerifyAfterPut(dir, NodeKey(0, 1000), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
}

}  // namespace
}  // namespace authtrail::store
