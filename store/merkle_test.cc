// The store's Merkle tree: kept at append across groups and batches, proofs
// that verify, backfill of stores without it, damage caught by Verify; for
// stores of format 2 (levels >= K stored, lower ones recomputed from the log)
// and of format 1 (every level stored).
#include "evidence/merkle.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/coding.h"
#include "common/sha256.h"
#include "evidence/memory_nodes.h"
#include "store/format.h"
#include "store/keys.h"
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

uint64_t HeadOf(const std::string& dir) {
  auto store = OpenStore(dir, ReadOnly());
  return store == nullptr ? 0 : store->head().seq;
}

// K, the lowest level a store created now keeps (format.h).
constexpr uint32_t kK = kNewStoreMerkleMinLevel;

// Turns the closed store in `dir` into what a format-1 binary made: version
// 1, no merkle_min_level, every level of the tree (rebuilt from the log by a
// writable open, which keeps version 1's all-levels layout).
void MakeVersion1(const std::string& dir) {
  {
    RawDb raw(dir);
    raw.Put("meta", "format_version", std::string("\0\0\0\1", 4));
    raw.Delete("meta", "merkle_min_level");
    for (const std::string& key : raw.Keys("merkle")) raw.Delete("merkle", key);
  }
  auto store = OpenStore(dir, Writable());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->format_version(), 1u);
}

// The (level, index) of every merkle key, in key order.
std::vector<evidence::NodeId> StoredNodeIds(const std::string& dir) {
  std::vector<evidence::NodeId> ids;
  for (const std::string& key : RawDb(dir).Keys("merkle")) {
    evidence::NodeId id;
    EXPECT_TRUE(store_internal::ParseMerkleKey(key, &id.level, &id.index));
    ids.push_back(id);
  }
  return ids;
}

// Every complete node of level >= min_level of a tree of `size` leaves.
size_t CompleteNodesFrom(uint64_t size, uint32_t min_level) {
  size_t n = 0;
  for (uint32_t level = min_level; (size >> level) > 0; ++level) n += size >> level;
  return n;
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

void ExpectEveryProofVerifies(const std::string& dir) {
  auto store = OpenStore(dir, ReadOnly());
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

// 70 records: level-5 nodes stored, lower levels recomputed from the log.
TEST(StoreMerkle, InclusionAndConsistencyProofsVerify) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(BuildStore(tmp.Sub("db"), 66));
  ExpectEveryProofVerifies(tmp.Sub("db"));
}

TEST(StoreMerkle, InclusionAndConsistencyProofsVerifyInAVersion1Store) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(BuildStore(tmp.Sub("db"), 30));
  ASSERT_NO_FATAL_FAILURE(MakeVersion1(tmp.Sub("db")));
  ExpectEveryProofVerifies(tmp.Sub("db"));
}

TEST(StoreMerkle, NewStoreKeepsOnlyTheLevelsFromItsMinLevel) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir, 140));  // 144 records
  {
    RawDb raw(dir);
    EXPECT_EQ(raw.Get("meta", "format_version"), std::string("\0\0\0\2", 4));
    std::string k;
    PutBigEndian32(&k, kK);
    EXPECT_EQ(raw.Get("meta", "merkle_min_level"), k);
  }
  const std::vector<evidence::NodeId> ids = StoredNodeIds(dir);
  EXPECT_EQ(ids.size(), CompleteNodesFrom(144, kK));
  for (const evidence::NodeId& id : ids) EXPECT_GE(id.level, kK);
  auto store = OpenStore(dir, ReadOnly());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->format_version(), 2u);
  ASSERT_NO_FATAL_FAILURE(ExpectTreeOfRecords(*store));
  Result<VerifyReport> report = store->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
}

// A store of format 1 stays one: readable, verifiable, and appended to with
// every level, as the binary that made it would.
TEST(StoreMerkle, Version1StoreKeepsEveryLevel) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir, 40));
  ASSERT_NO_FATAL_FAILURE(MakeVersion1(dir));
  EXPECT_EQ(StoredNodeIds(dir).size(), CompleteNodesFrom(HeadOf(dir), 0));
  {
    auto store = OpenStore(dir, Writable(4));
    ASSERT_NE(store, nullptr);
    Ingest(*store, {Numbered(200), Numbered(201), Numbered(202)}, "c");
    ASSERT_NO_FATAL_FAILURE(ExpectTreeOfRecords(*store));
  }
  EXPECT_EQ(StoredNodeIds(dir).size(), CompleteNodesFrom(HeadOf(dir), 0));
  auto store = OpenStore(dir, ReadOnly());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->format_version(), 1u);
  Result<VerifyReport> report = store->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tree_root, store->TreeHeadAt()->root);
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

Status VerifyStatus(const std::string& dir) {
  auto store = OpenStore(dir, ReadOnly());
  if (store == nullptr) return Status::IOError("cannot open");
  return store->Verify(nullptr).status();
}

Status VerifyAfterPut(const std::string& dir, const std::string& key, const std::string& value) {
  { RawDb(dir).Put("merkle", key, value); }
  return VerifyStatus(dir);
}

// 144 records = 128 + 16: the covering nodes are (7, 0) and (4, 8), so the
// level-5 and level-6 nodes are stored without being covering nodes.
void BuildLargerStore(const std::string& dir) {
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir, 140));
  ASSERT_EQ(HeadOf(dir), 144u);
  ASSERT_EQ(kK, 5u) << "the expectations below name level-5 and level-6 nodes";
}

TEST(StoreMerkle, DeletedLowestStoredNodeIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildLargerStore(dir));
  { RawDb(dir).Delete("merkle", NodeKey(5, 1)); }
  const Status s = VerifyStatus(dir);
  EXPECT_EQ(s.message(), "seq 33: merkle node (5, 1) missing") << s.ToString();
}

TEST(StoreMerkle, DeletedLeafOfAVersion1StoreIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  ASSERT_NO_FATAL_FAILURE(MakeVersion1(dir));
  const uint64_t head = HeadOf(dir);
  ASSERT_EQ(head % 2, 0u);  // leaf head-1 is below a stored parent, not a covering node
  { RawDb(dir).Delete("merkle", NodeKey(0, head - 1)); }
  const Status s = VerifyStatus(dir);
  EXPECT_EQ(s.message(), "seq " + std::to_string(head) + ": merkle leaf missing") << s.ToString();
}

// A covering node gone: the frontier cannot be loaded read-only.
void ExpectMissingCoveringNodeReported(const std::string& dir, uint32_t min_level) {
  evidence::NodeId last;
  for (const evidence::NodeId& id : evidence::Frontier::CoveringNodes(HeadOf(dir))) {
    if (id.level >= min_level) last = id;  // the smallest stored one
  }
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

TEST(StoreMerkle, PartialTreeInAReadOnlyOpenIsReportedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildLargerStore(dir));
  ExpectMissingCoveringNodeReported(dir, kK);
}

TEST(StoreMerkle, PartialTreeOfAVersion1StoreIsReportedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  ASSERT_NO_FATAL_FAILURE(MakeVersion1(dir));
  ExpectMissingCoveringNodeReported(dir, 0);
}

TEST(StoreMerkle, TamperedLowestStoredNodeIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildLargerStore(dir));
  const Status s = VerifyAfterPut(dir, NodeKey(5, 1), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "seq 33: merkle node (5, 1) does not match records 33..64");
}

TEST(StoreMerkle, TamperedLeafNodeOfAVersion1StoreIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  ASSERT_NO_FATAL_FAILURE(MakeVersion1(dir));
  const Status s = VerifyAfterPut(dir, NodeKey(0, 5), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "seq 6: merkle leaf does not match the record");
}

// Overwrites stored node (level, 1) and expects verify to name it.
void ExpectTamperedInnerNodeNamed(const std::string& dir, uint8_t level) {
  const Status s = VerifyAfterPut(dir, NodeKey(level, 1), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  const std::string named =
      "merkle node (" + std::to_string(level) + ", 1) does not match its children";
  EXPECT_NE(s.message().find(named), std::string::npos) << s.ToString();
}

TEST(StoreMerkle, TamperedInnerNodeIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildLargerStore(dir));
  ExpectTamperedInnerNodeNamed(dir, 6);
}

TEST(StoreMerkle, TamperedInnerNodeOfAVersion1StoreIsNamedByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  ASSERT_NO_FATAL_FAILURE(MakeVersion1(dir));
  ExpectTamperedInnerNodeNamed(dir, 2);
}

// Below K nothing is stored: any node there is extra, even one holding the
// right hash; above, an extra node beyond the tree is caught by the digest.
TEST(StoreMerkle, ExtraNodeIsCaughtByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  Hash leaf;
  {
    auto store = OpenStore(dir, ReadOnly());
    ASSERT_NE(store, nullptr);
    leaf = MemoryTree(*store).leaves[5];
  }
  Status s = VerifyAfterPut(dir, NodeKey(0, 5), std::string(leaf.begin(), leaf.end()));
  EXPECT_EQ(s.message(), "merkle: merkle node (0, 5) is below the lowest stored level (5)")
      << s.ToString();
  { RawDb(dir).Delete("merkle", NodeKey(0, 5)); }
  ASSERT_TRUE(VerifyStatus(dir).ok());
  s = VerifyAfterPut(dir, NodeKey(kK, 1000), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("merkle"), std::string::npos) << s.ToString();
}

TEST(StoreMerkle, ExtraNodeInAVersion1StoreIsCaughtByVerify) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildStore(dir));
  ASSERT_NO_FATAL_FAILURE(MakeVersion1(dir));
  const Status s = VerifyAfterPut(dir, NodeKey(0, 1000), std::string(32, 'x'));
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
}

// A record rewritten with its chain and head recomputed, in a field no index
// holds: only the tree sees it, through the stored node over its records.
TEST(StoreMerkle, RecordRewrittenWithItsChainIsNamedThroughTheTree) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildLargerStore(dir));
  {
    RawDb raw(dir);
    StoredRecord r = *DecodeRecord(raw.Get("log", store_internal::SeqKey(40)));
    std::get<Event>(r.body).status = "tampered";
    raw.Put("log", store_internal::SeqKey(40), EncodeRecord(r));
    Digest prev{};
    std::copy_n(raw.Get("chain", store_internal::SeqKey(39)).data(), 32,
                reinterpret_cast<char*>(prev.data()));
    for (uint64_t seq = 40; seq <= 144; ++seq) {
      Sha256 h;
      h.Update(prev);
      h.Update(ChainBytes(*DecodeRecord(raw.Get("log", store_internal::SeqKey(seq)))));
      prev = h.Finish();
      raw.Put("chain", store_internal::SeqKey(seq),
              std::string(reinterpret_cast<const char*>(prev.data()), 32));
    }
    raw.Put("meta", "head", store_internal::EncodeHead({144, prev}));
  }
  const Status s = VerifyStatus(dir);
  EXPECT_EQ(s.message(), "seq 33: merkle node (5, 1) does not match records 33..64")
      << s.ToString();
}

// A record under a recomputed covering node is gone: the store still opens
// (verify names the seq), the tree reports the damaged record.
TEST(StoreMerkle, MissingRecordUnderARecomputedNodeIsCorruption) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  ASSERT_NO_FATAL_FAILURE(BuildLargerStore(dir));  // (4, 8) covers seqs 129..144
  { RawDb(dir).Delete("log", store_internal::SeqKey(130)); }
  auto store = OpenStore(dir, ReadOnly());
  ASSERT_NE(store, nullptr);
  Result<TreeHead> tree = store->TreeHeadAt();
  EXPECT_EQ(tree.status().code(), StatusCode::kCorruption);
  EXPECT_NE(tree.status().message().find("seq 130: record missing (recomputing the Merkle tree)"),
            std::string::npos)
      << tree.status().ToString();
  Result<VerifyReport> report = store->Verify(nullptr);
  EXPECT_EQ(report.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(report.status().message().rfind("seq 130: ", 0), 0u) << report.status().ToString();
  store.reset();
  auto writer_store = OpenStore(dir, Writable());
  ASSERT_NE(writer_store, nullptr);
  EXPECT_EQ(writer_store->BeginBatch({0, kT0, "test", {"in"}}).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace authtrail::store
