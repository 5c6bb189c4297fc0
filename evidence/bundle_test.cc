#include "evidence/bundle.h"

#include <gtest/gtest.h>

#include <random>

#include "evidence/memory_nodes.h"
#include "tests/support/test_support.h"

namespace authtrail::evidence {
namespace {

SigningKey TestKey(uint8_t fill = 3) {
  std::array<uint8_t, 32> seed;
  seed.fill(fill);
  return SigningKey::FromSeed(seed);
}

// Leaf bytes for seq s: shaped like a canonical event, with characters that
// need escaping in JSON.
std::string LeafBytes(uint64_t seq) {
  return "{\"id\":\"ev" + std::to_string(seq) + "\",\"note\":\"tab\\t \\\"q\\\" é\n\x01\"}";
}

// A 20-record store tree and a bundle about seq 12, whose facts cite 3 and 7.
class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Frontier f;
    for (uint64_t seq = 1; seq <= 20; ++seq) {
      std::vector<Node> done;
      f.Append(HashLeaf(LeafBytes(seq)), &done);
      ASSERT_OK(nodes_.Add(done));
    }
    Checkpoint c{"0123456789abcdef0123456789abcdef", 20, f.Root(), 1'700'000'000'000'000};
    auto signed_checkpoint = SignCheckpoint(c, key_);
    ASSERT_OK(signed_checkpoint.status());
    bundle_.checkpoint = *signed_checkpoint;
    bundle_.tool_version = "0.1.0";
    bundle_.event_seq = 12;
    bundle_.decisions = {
        {"as-of", R"({"decision":"deny","reason":"DENY_UNINSTALLED_DEVICE_FLOW","clause":"9a"})"},
        {"pre2014", R"({"decision":"allow","reason":"ALLOW_STANDARD","clause":"14"})"}};
    bundle_.facts = {{"app.installed", "false", {3}},
                     {"org.flags", R"({"api":[true,null,-2]})", {3, 7}}};
    bundle_.rule_sets = {{"sep2025", Sha256Of("rules")}};
    for (uint64_t seq : {12, 3, 7}) {
      auto proof = InclusionProof(seq - 1, 20, nodes_);
      ASSERT_OK(proof.status());
      bundle_.records.push_back({seq, LeafBytes(seq), *proof});
    }
    bundle_.as_of = "sep2025";
    bundle_.readings_json = R"({"use_any_bypasses_block":false,"t3_unknown":"indeterminate"})";
    SignBundle(&bundle_, key_);
  }

  Status Verify(const Bundle& b) { return VerifyBundle(b, key_.public_key()); }

  SigningKey key_ = TestKey();
  MemoryNodes nodes_;
  Bundle bundle_;
};

TEST_F(BundleTest, FormatThenParseIsTheIdentity) {
  std::string text = FormatBundle(bundle_);
  auto parsed = ParseBundle(text);
  ASSERT_OK(parsed.status());
  EXPECT_EQ(parsed->records, bundle_.records);
  EXPECT_EQ(parsed->decisions, bundle_.decisions);
  EXPECT_EQ(parsed->facts, bundle_.facts);
  EXPECT_EQ(parsed->rule_sets, bundle_.rule_sets);
  EXPECT_EQ(parsed->checkpoint.checkpoint, bundle_.checkpoint.checkpoint);
  EXPECT_EQ(parsed->event_seq, 12u);
  EXPECT_EQ(FormatBundle(*parsed), text);
}

TEST_F(BundleTest, ParserKeepsValuesCanonicalWhateverTheWhitespace) {
  std::string text = FormatBundle(bundle_);
  std::string spaced = text;
  size_t at = spaced.find(R"({"api":[true,null,-2]})");
  ASSERT_NE(at, std::string::npos);
  spaced.replace(at, 22, "{ \"api\" : [ true , null , -2 ] }\n");
  auto parsed = ParseBundle(spaced);
  ASSERT_OK(parsed.status());
  EXPECT_EQ(FormatBundle(*parsed), text);
}

TEST_F(BundleTest, VerifiesProofsAndSignature) {
  EXPECT_OK(Verify(bundle_));
  auto file = VerifyBundleFile(FormatBundle(bundle_), PublicKeyToPem(key_.public_key()));
  ASSERT_OK(file.status());
  EXPECT_EQ(file->tree_size, 20u);
}

TEST_F(BundleTest, ChangedLeafProofOrSeqFailsNamingTheRecord) {
  Bundle leaf = bundle_;
  leaf.records[1].leaf[5] ^= 1;
  Status s = Verify(leaf);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("record seq 3"), std::string::npos) << s.message();

  Bundle proof = bundle_;
  proof.records[0].proof[2][31] ^= 0x80;
  EXPECT_EQ(Verify(proof).code(), StatusCode::kCorruption);

  Bundle seq = bundle_;
  seq.records[2].seq = 8;
  EXPECT_EQ(Verify(seq).code(), StatusCode::kCorruption);

  Bundle beyond = bundle_;
  beyond.records[2].seq = 21;
  EXPECT_NE(Verify(beyond).message().find("outside"), std::string::npos);
}

TEST_F(BundleTest, CheckpointMustBeSignedByTheKey) {
  Bundle root = bundle_;
  root.checkpoint.checkpoint.root[0] ^= 1;
  EXPECT_EQ(Verify(root).code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyBundle(bundle_, TestKey(4).public_key()).code(), StatusCode::kCorruption);
}

TEST_F(BundleTest, EventAndEveryCitedSeqNeedAProvenRecord) {
  Bundle no_event = bundle_;
  no_event.event_seq = 5;
  EXPECT_NE(Verify(no_event).message().find("event seq 5"), std::string::npos);
  Bundle bad_fact = bundle_;
  bad_fact.facts[1].established_by.push_back(9);
  EXPECT_NE(Verify(bad_fact).message().find("cites seq 9"), std::string::npos);
}

TEST_F(BundleTest, ParserRejectsMalformedShapes) {
  std::string good = FormatBundle(bundle_);
  const std::pair<std::string, std::string> edits[] = {
      {R"("format":"authtrail.bundle.v2")", R"("format":"authtrail.bundle.v0")"},
      {R"("as_of":"sep2025",)", ""},
      {R"("readings":{)", R"("readings":7,"x":{)"},
      {R"(,"bundle_signature":")", R"(,"bundle_signature":"AAAA","y":")"},
      {R"(,"bundle_signature":")", R"(,"bundle_signature":"*)"},
      {R"("event_seq":12)", R"("event_seq":0)"},
      {R"("event_seq":12)", R"("event_seq":12,"extra":true)"},
      {R"("event_seq":12)", R"("event_seq":12,"event_seq":12)"},
      {R"({"api":[true,null,-2]})", R"({"api":[true,null,-2.5]})"},
      {R"({"api":[true,null,-2]})", std::string(33, '[') + std::string(33, ']')},
      {R"("pre2014":{)", R"("as-of":{)"},  // a rule set decided twice
      {R"("pre2014":{"decision":"allow","reason":"ALLOW_STANDARD","clause":"14"})",
       R"("pre2014":"allow")"},
      {R"("established_by":[3])", R"("established_by":[0])"},
      {R"("established_by":[3])", R"("established_by":["3"])"},
      {R"({"seq":12,)", R"({"seq":-12,)"},
      {R"("proof":[")", R"("proof":["00",")"},
      {R"("rule_sets":[{"id":"sep2025",)", R"("rule_sets":[{"id":7,)"},
      {R"("checkpoint":{)", R"("checkpoint":{"x":1,)"},
  };
  for (const auto& [from, to] : edits) {
    std::string text = good;
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    auto r = ParseBundle(text.replace(at, from.size(), to));
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << to;
  }
  std::string deep_ok = good;
  size_t at = deep_ok.find(R"({"api":[true,null,-2]})");
  deep_ok.replace(at, 22, std::string(32, '[') + std::string(32, ']'));
  EXPECT_OK(ParseBundle(deep_ok).status());
}

TEST_F(BundleTest, ProofLongerThan64HashesIsRejected) {
  Bundle b = bundle_;
  b.records[0].proof.assign(65, Sha256Of("x"));
  EXPECT_EQ(ParseBundle(FormatBundle(b)).status().code(), StatusCode::kCorruption);
  b.records[0].proof.resize(64);
  EXPECT_OK(ParseBundle(FormatBundle(b)).status());
}

TEST_F(BundleTest, EveryTruncationIsACleanError) {
  std::string good = FormatBundle(bundle_);
  good.pop_back();  // the newline: the JSON object ends one byte earlier
  for (size_t len = 0; len < good.size(); ++len) {
    EXPECT_EQ(ParseBundle(good.substr(0, len)).status().code(), StatusCode::kCorruption) << len;
  }
}

TEST_F(BundleTest, RandomByteChangesNeverCrashAndNeverVerify) {
  std::string good = FormatBundle(bundle_);
  std::mt19937 rng(1);
  for (int i = 0; i < 2000; ++i) {
    std::string text = good;
    size_t at = rng() % text.size();
    char was = text[at];
    text[at] = static_cast<char>(rng());
    auto parsed = ParseBundle(text);
    if (!parsed.ok() || text[at] == was) continue;
    // A change that still parses must still be caught, unless it only
    // touched what the proofs do not cover (decisions, facts' names and
    // values, rule sets, tool version) or whitespace.
    // A change that still parses must still be caught: the proofs cover the
    // records, the bundle signature everything else. Only whitespace may differ.
    Status verified = Verify(*parsed);
    if (verified.ok()) {
      EXPECT_EQ(FormatBundle(*parsed), good) << "offset " << at;
    }
  }
}

TEST_F(BundleTest, BundleSignatureCoversWhatTheProofsDoNot) {
  for (auto edit : std::vector<void (*)(Bundle*)>{
           [](Bundle* b) { b->facts[0].value_json = "true"; },
           [](Bundle* b) { b->facts[1].established_by = {3}; },
           [](Bundle* b) { b->decisions[0].json = R"({"decision":"allow"})"; },
           [](Bundle* b) { b->readings_json = "{}"; },
           [](Bundle* b) { b->as_of = "dec2025"; },
           [](Bundle* b) { b->tool_version = "0.1.1"; },
           [](Bundle* b) { b->rule_sets[0].definition_sha256[0] ^= 1; },
           [](Bundle* b) { b->signature[0] ^= 1; },
       }) {
    Bundle b = bundle_;
    edit(&b);
    Status s = Verify(b);
    EXPECT_NE(s.message().find("bundle_signature does not verify"), std::string::npos)
        << s.message();
  }
}

TEST_F(BundleTest, SignedBytesAreTheFileWithoutTheSignatureMember) {
  std::string text = FormatBundle(bundle_);
  size_t at = text.find(",\"bundle_signature\":\"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(text.substr(0, at) + "}", BundleSignedBytes(bundle_));
  EXPECT_EQ(text.substr(text.size() - 3), "\"}\n");  // the signature is the last member
}

TEST_F(BundleTest, Version1StillParsesFormatsAndVerifiesItsProofs) {
  Bundle v1 = bundle_;
  v1.version = 1;
  v1.as_of.clear();
  v1.readings_json.clear();
  v1.signature.clear();
  std::string text = FormatBundle(v1);
  EXPECT_EQ(
      text.rfind(
          R"({"format":"authtrail.bundle.v1","tool_version":"0.1.0","event_seq":12,"decisions":)",
          0),
      0u)
      << text;
  EXPECT_EQ(text.find("bundle_signature"), std::string::npos);
  auto parsed = ParseBundle(text);
  ASSERT_OK(parsed.status());
  EXPECT_EQ(parsed->version, 1);
  EXPECT_EQ(FormatBundle(*parsed), text);
  EXPECT_OK(Verify(*parsed));
  // v2 members are unknown keys in a v1 bundle.
  std::string mixed = text;
  mixed.insert(mixed.find(R"(,"decisions")"), R"(,"as_of":"sep2025")");
  EXPECT_EQ(ParseBundle(mixed).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace authtrail::evidence
