// End-to-end: `authtrail checkpoint` signs the store's Merkle tree head and
// `authtrail verify --since` proves the log still extends it (issue 5).
#include <cstring>

#include "common/coding.h"
#include "common/sha256.h"
#include "schemas/record_codec.h"
#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

class SignedCheckpointE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("s.db");
    key_ = dir_.Sub("audit");
    cp_ = dir_.Sub("cp.json");
    ASSERT_EQ(RunAuthtrail({"keygen", "--out", key_}).exit_code, 0);
    ASSERT_EQ(RunAuthtrail({"ingest", "--db", db_, SamplePath()}).exit_code, 0);
    RunResult signed_cp =
        RunAuthtrail({"checkpoint", "--db", db_, "--key", key_ + ".key", "--out", cp_});
    ASSERT_EQ(signed_cp.exit_code, 0) << signed_cp.err;
    ASSERT_EQ(RunAuthtrail({"ingest", "--db", db_, "-"}, GenerateEvents(40)).exit_code, 0);
  }
  RunResult VerifySince(const std::string& pubkey) {
    return RunAuthtrail({"verify", "--db", db_, "--since", cp_, "--pubkey", pubkey});
  }
  TempDir dir_;
  std::string db_, key_, cp_;
};

TEST_F(SignedCheckpointE2E, LogThatGrewSinceTheCheckpointVerifies) {
  EXPECT_NE(ReadFile(cp_).find("\"tree_size\":16,"), std::string::npos) << ReadFile(cp_);
  RunResult r = VerifySince(key_ + ".pub.pem");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK consistent with checkpoint tree_size=16 root="), std::string::npos)
      << r.out;
}

TEST_F(SignedCheckpointE2E, ModifiedLogValueFails) {
  {
    RawStore raw(db_);
    Result<StoredRecord> rec = DecodeRecord(raw.Get("log", SeqKey(5)));
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    std::get<Event>(rec->body).user = "005000000000666AAA";
    raw.Put("log", SeqKey(5), EncodeRecord(*rec));
  }
  RunResult r = VerifySince(key_ + ".pub.pem");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("seq 5"), std::string::npos) << r.err;
}

// What the chain alone cannot catch: an event changed (seq 8, the first with
// a source id, in a field no index holds), the chain recomputed from it to
// the head, the Merkle tree dropped (the next writable open rebuilds it from
// the changed log). `verify` passes; the checkpoint does not.
TEST_F(SignedCheckpointE2E, RewrittenLogWithRecomputedChainAndTreeFailsOnlySince) {
  constexpr uint64_t kSeq = 8;
  {
    RawStore raw(db_);
    Result<StoredRecord> rec = DecodeRecord(raw.Get("log", SeqKey(kSeq)));
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    ASSERT_TRUE(std::get<Event>(rec->body).id.has_value());
    std::get<Event>(rec->body).source = "203.0.113.66";
    raw.Put("log", SeqKey(kSeq), EncodeRecord(*rec));
    const std::string head = raw.Get("meta", "head");
    const uint64_t head_seq = GetBigEndian64(head.data());
    std::string prev = raw.Get("chain", SeqKey(kSeq - 1));
    for (uint64_t seq = kSeq; seq <= head_seq; ++seq) {
      Result<StoredRecord> r = DecodeRecord(raw.Get("log", SeqKey(seq)));
      ASSERT_TRUE(r.ok());
      Sha256 h;
      h.Update(prev);
      h.Update(ChainBytes(*r));
      const Digest d = h.Finish();
      prev.assign(reinterpret_cast<const char*>(d.data()), d.size());
      raw.Put("chain", SeqKey(seq), prev);
    }
    raw.Put("meta", "head", head.substr(0, 8) + prev);
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db()->NewIterator(rocksdb::ReadOptions(), raw.cf("merkle")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) raw.Delete("merkle", it->key().ToString());
  }
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db_, "-"}, GenerateEvents(3, 1000)).exit_code, 0);
  RunResult plain = RunAuthtrail({"verify", "--db", db_});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  RunResult r = VerifySince(key_ + ".pub.pem");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("records 1..16 are not those the checkpoint signed"), std::string::npos)
      << r.err;
}

TEST_F(SignedCheckpointE2E, CheckpointSignedByAnotherKeyFails) {
  const std::string other = dir_.Sub("other");
  ASSERT_EQ(RunAuthtrail({"keygen", "--out", other}).exit_code, 0);
  RunResult r = VerifySince(other + ".pub.pem");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("checkpoint " + cp_), std::string::npos) << r.err;
}

TEST_F(SignedCheckpointE2E, CheckpointOfAnotherStoreFails) {
  const std::string other_db = dir_.Sub("other.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", other_db, SamplePath()}).exit_code, 0);
  RunResult r =
      RunAuthtrail({"verify", "--db", other_db, "--since", cp_, "--pubkey", key_ + ".pub.pem"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("not this store"), std::string::npos) << r.err;
}

TEST_F(SignedCheckpointE2E, CheckpointToStandardOutputAndHelp) {
  RunResult r = RunAuthtrail({"checkpoint", "--db", db_, "--key", key_ + ".key"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"format\":\"authtrail.checkpoint.v1\",", 0), 0u) << r.out;
  RunResult help = RunAuthtrail({"checkpoint", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("verify --since"), std::string::npos) << help.out;
  EXPECT_NE(RunAuthtrail({"verify", "--help"}).out.find("consistency proof"), std::string::npos);
  EXPECT_EQ(RunAuthtrail({"verify", "--db", db_, "--since", cp_}).exit_code, 2);
}

}  // namespace
}  // namespace authtrail::testing
