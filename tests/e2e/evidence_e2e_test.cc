// End-to-end: `authtrail evidence` writes a bundle for one access event and
// `authtrail verify-evidence` checks it with the public key alone; every
// change to the file is caught (issue 5). Also `ingest --sign-key`.
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "evidence/bundle.h"
#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

// The access events of tests/data/sample.jsonl, by source id.
constexpr const char* kAccessIds[] = {"0Ya5g00000MoB001", "0Ya5g00001XyZab", "4exLFFQZ7b2Kq0",
                                      "0Ya5g00001XyZac"};
// api.call on the uninstalled "Data Loader" through a device-flow approval:
// denied from Sep 2025 (9a), so the bundle carries lineage and app facts.
constexpr const char* kCallId = "4exLFFQZ7b2Kq0";

int Shell(const std::string& command) { return std::system(command.c_str()); }

class EvidenceE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("s.db");
    key_ = dir_.Sub("audit");
    ASSERT_EQ(RunAuthtrail({"keygen", "--out", key_}).exit_code, 0);
    RunResult in = RunAuthtrail({"ingest", "--db", db_, "--sign-key", key_ + ".key", SamplePath()});
    ASSERT_EQ(in.exit_code, 0) << in.err;
    cp_ = db_ + "/checkpoints/16.json";
    ASSERT_NE(in.out.find("checkpoint=" + cp_), std::string::npos) << in.out;
  }
  // Writes the bundle of `event` to a file named after it; returns the path.
  std::string Evidence(const std::string& event, std::vector<std::string> extra = {}) {
    const std::string out = dir_.Sub("ev-" + event + ".json");
    std::vector<std::string> args = {"evidence", "--db",        db_,     "--event", event,
                                     "--key",    key_ + ".key", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunAuthtrail(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  RunResult Verify(const std::string& path, const std::string& pub = "") {
    return RunAuthtrail(
        {"verify-evidence", path, "--pubkey", pub.empty() ? key_ + ".pub.pem" : pub});
  }
  // Verifies `text` written to a scratch file.
  RunResult VerifyText(const std::string& text) {
    WriteFile(dir_.Sub("edited.json"), text);
    return Verify(dir_.Sub("edited.json"));
  }
  evidence::Bundle Parse(const std::string& path) {
    Result<evidence::Bundle> b = evidence::ParseBundle(ReadFile(path));
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? *b : evidence::Bundle{};
  }
  // The bundle with one fact's value replaced, signed again with the real key:
  // only the re-evaluation can catch it.
  std::string Resigned(evidence::Bundle b, const std::string& fact, const std::string& value) {
    bool found = false;
    for (auto& f : b.facts) {
      if (f.name == fact) f.value_json = value, found = true;
    }
    EXPECT_TRUE(found) << fact;
    Result<evidence::SigningKey> key = evidence::ReadSigningKey(key_ + ".key");
    EXPECT_TRUE(key.ok());
    evidence::SignBundle(&b, *key);
    return evidence::FormatBundle(b);
  }

  TempDir dir_;
  std::string db_, key_, cp_;
};

TEST_F(EvidenceE2E, EveryAccessEventOfTheSampleVerifies) {
  for (const char* id : kAccessIds) {
    RunResult r = Verify(Evidence(id));
    EXPECT_EQ(r.exit_code, 0) << id << ": " << r.err;
    EXPECT_NE(r.out.find(std::string("OK event seq ")), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::string("(id ") + id + ")"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("5 decisions re-evaluated from 40 facts"), std::string::npos) << r.out;
  }
}

TEST_F(EvidenceE2E, BundleHoldsDecisionsFactsProvenanceAndProofs) {
  const std::string text = ReadFile(Evidence(kCallId));
  evidence::Bundle b = Parse(dir_.Sub(std::string("ev-") + kCallId + ".json"));
  EXPECT_EQ(b.version, 2);
  EXPECT_EQ(b.as_of, "sep2025");
  ASSERT_EQ(b.decisions.size(), 5u);
  EXPECT_EQ(b.decisions[0].rule_set, "as-of");
  EXPECT_NE(b.decisions[0].json.find("\"DENY_UNINSTALLED_DEVICE_FLOW\""), std::string::npos);
  EXPECT_EQ(b.rule_sets.size(), 5u);
  EXPECT_EQ(b.records[0].seq, b.event_seq);  // the event first
  // The lineage rests on the device-flow authorization (seq 12), which is
  // itself proven, and "installed" cites the app's declaration (seq 11).
  auto fact = [&](const std::string& name) {
    for (const auto& f : b.facts) {
      if (f.name == name) return f;
    }
    ADD_FAILURE() << name;
    return evidence::BundleFact{};
  };
  EXPECT_EQ(fact("lineage").established_by, std::vector<uint64_t>{12});
  EXPECT_EQ(fact("installed").established_by, std::vector<uint64_t>{11});
  EXPECT_EQ(fact("installed").value_json, "false");
  EXPECT_EQ(fact("kind").established_by, std::vector<uint64_t>{b.event_seq});
  EXPECT_EQ(b.checkpoint.checkpoint.tree_size, 16u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST_F(EvidenceE2E, SameCheckpointGivesIdenticalBytes) {
  const std::string a = ReadFile(Evidence(kCallId, {"--checkpoint", cp_}));
  std::filesystem::rename(dir_.Sub(std::string("ev-") + kCallId + ".json"), dir_.Sub("first.json"));
  const std::string b = ReadFile(Evidence(kCallId, {"--checkpoint", cp_}));
  EXPECT_EQ(a, b);
  EXPECT_EQ(Verify(dir_.Sub("first.json")).exit_code, 0);
  // Signed now: only the checkpoint's time and the signatures differ.
  const std::string now = ReadFile(Evidence(kCallId));
  EXPECT_EQ(now.substr(0, now.find("\"checkpoint\"")), a.substr(0, a.find("\"checkpoint\"")));
}

// Every scalar of the file (values and keys), one at a time, changed.
TEST_F(EvidenceE2E, ChangingAnySingleScalarFails) {
  const std::string good = ReadFile(Evidence(kCallId));
  std::vector<std::string> variants;
  for (size_t i = 0; i < good.size(); ++i) {
    char c = good[i];
    std::string v = good;
    if (c == '"') {
      size_t end = i + 1;
      while (good[end] != '"') end += good[end] == '\\' ? 2 : 1;
      if (end == i + 1) {
        v.insert(i + 1, "x");
      } else {
        // Change the first character (an escape as a whole) to another one
        // of the same kind, so hex stays hex and base64 stays base64.
        size_t len = good[i + 1] == '\\' ? 2 : 1;
        char first = good[i + 1];
        char repl = std::isdigit(static_cast<unsigned char>(first))
                        ? (first == '9' ? '0' : first + 1)
                    : std::isalpha(static_cast<unsigned char>(first)) ? (first == 'a' ? 'b' : 'a')
                                                                      : 'x';
        v.replace(i + 1, len, 1, repl);
      }
      variants.push_back(v);
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t end = good.find_first_not_of("0123456789", i);
      v.replace(i, end - i, std::to_string(std::stoull(good.substr(i, end - i)) + 1));
      variants.push_back(v);
      i = end - 1;
    } else if (good.compare(i, 4, "true") == 0) {
      variants.push_back(v.replace(i, 4, "false"));
      i += 3;
    } else if (good.compare(i, 5, "false") == 0) {
      variants.push_back(v.replace(i, 5, "true"));
      i += 4;
    } else if (good.compare(i, 4, "null") == 0) {
      variants.push_back(v.replace(i, 4, "0"));
      i += 3;
    }
  }
  ASSERT_GT(variants.size(), 300u);
  for (const std::string& v : variants) {
    RunResult r = VerifyText(v);
    ASSERT_EQ(r.exit_code, 4) << "accepted:\n" << v << "\n" << r.out;
    ASSERT_NE(r.err.find("FAILED: "), std::string::npos) << r.err;
  }
}

TEST_F(EvidenceE2E, ProofSiblingStepOrderTreeSizeAndSignatureChangesFail) {
  const evidence::Bundle good = Parse(Evidence(kCallId));
  ASSERT_GE(good.records[0].proof.size(), 2u);
  auto expect_fails = [&](evidence::Bundle b, const std::string& why) {
    RunResult r = VerifyText(evidence::FormatBundle(b));
    EXPECT_EQ(r.exit_code, 4) << why;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
  };
  evidence::Bundle sibling = good;
  sibling.records[1].proof[0][7] ^= 0x10;
  expect_fails(sibling, "record seq " + std::to_string(good.records[1].seq) + ": inclusion proof");
  evidence::Bundle order = good;
  std::swap(order.records[0].proof[0], order.records[0].proof[1]);
  expect_fails(order, "inclusion proof does not lead to the checkpoint root");
  evidence::Bundle dropped = good;
  dropped.records[0].proof.pop_back();
  expect_fails(dropped, "inclusion proof");
  evidence::Bundle size = good;
  size.checkpoint.checkpoint.tree_size = 17;
  expect_fails(size, "signature");
  evidence::Bundle cp_sig = good;
  cp_sig.checkpoint.signature[10] ^= 1;
  expect_fails(cp_sig, "signature");
  evidence::Bundle bundle_sig = good;
  bundle_sig.signature[63] ^= 0x80;
  expect_fails(bundle_sig, "bundle_signature does not verify");
  evidence::Bundle dup = good;
  dup.records.push_back(dup.records[1]);
  expect_fails(dup, "bundle_signature");
}

TEST_F(EvidenceE2E, ResignedFactThatChangesTheDecisionFails) {
  const evidence::Bundle good = Parse(Evidence(kCallId));
  RunResult installed = VerifyText(Resigned(good, "installed", "true"));
  EXPECT_EQ(installed.exit_code, 4);
  EXPECT_NE(installed.err.find("does not follow from the facts"), std::string::npos)
      << installed.err;
  RunResult lineage = VerifyText(Resigned(good, "lineage_device", "false"));
  EXPECT_EQ(lineage.exit_code, 4);
  EXPECT_NE(lineage.err.find("does not follow from the facts"), std::string::npos) << lineage.err;
  // A request fact must match the event record, whatever it does to decisions.
  RunResult kind = VerifyText(Resigned(good, "api_family", "\"rest_data\""));
  EXPECT_EQ(kind.exit_code, 4);
  EXPECT_NE(kind.err.find("fact api_family is \"rest_data\" but the event record says \"bulk\""),
            std::string::npos)
      << kind.err;
  RunResult shape = VerifyText(Resigned(good, "t3", "{\"known\":true}"));
  EXPECT_EQ(shape.exit_code, 4);
  EXPECT_NE(shape.err.find("fact t3"), std::string::npos) << shape.err;
  // What the signer vouches for alone: a fact no clause read this time.
  EXPECT_EQ(VerifyText(Resigned(good, "pref_visualforce", "true")).exit_code, 0);
}

TEST_F(EvidenceE2E, ResignedForeignRuleSetHashOrOtherColumnsFail) {
  evidence::Bundle b = Parse(Evidence(kCallId));
  b.rule_sets[3].definition_sha256[0] ^= 1;
  Result<evidence::SigningKey> key = evidence::ReadSigningKey(key_ + ".key");
  ASSERT_TRUE(key.ok());
  evidence::SignBundle(&b, *key);
  RunResult r = VerifyText(evidence::FormatBundle(b));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("rule set sep2025: definition_sha256"), std::string::npos) << r.err;

  evidence::Bundle as_of = Parse(dir_.Sub(std::string("ev-") + kCallId + ".json"));
  as_of.as_of = "dec2025";
  evidence::SignBundle(&as_of, *key);
  RunResult a = VerifyText(evidence::FormatBundle(as_of));
  EXPECT_EQ(a.exit_code, 4);
  EXPECT_NE(a.err.find("as_of is dec2025 but the facts put sep2025 in force"), std::string::npos)
      << a.err;
}

TEST_F(EvidenceE2E, AnotherKeyFails) {
  const std::string path = Evidence(kCallId);
  const std::string other = dir_.Sub("other");
  ASSERT_EQ(RunAuthtrail({"keygen", "--out", other}).exit_code, 0);
  RunResult r = Verify(path, other + ".pub.pem");
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("FAILED"), std::string::npos) << r.err;
  // Nor can a checkpoint signed by one key carry a bundle signed by another.
  RunResult mixed = RunAuthtrail(
      {"evidence", "--db", db_, "--event", kCallId, "--key", other + ".key", "--checkpoint", cp_});
  EXPECT_EQ(mixed.exit_code, 2) << mixed.err;
}

TEST_F(EvidenceE2E, TruncatedGarbageAndUnreadableFilesAreCleanErrors) {
  const std::string good = ReadFile(Evidence(kCallId));
  for (size_t len = 0; len < good.size(); len += good.size() / 40 + 1) {
    RunResult r = VerifyText(good.substr(0, len));
    EXPECT_EQ(r.exit_code, 4) << len;
    EXPECT_NE(r.err.find("FAILED: "), std::string::npos) << r.err;
  }
  for (std::string garbage : {std::string("\x00\xff\xfe garbage", 12), std::string("[]"),
                              std::string("{\"format\":\"authtrail.bundle.v2\"}"), ReadFile(cp_)}) {
    EXPECT_EQ(VerifyText(garbage).exit_code, 4) << garbage;
  }
  EXPECT_EQ(Verify(dir_.Sub("missing.json")).exit_code, 2);
  EXPECT_EQ(
      Verify(dir_.Sub(std::string("ev-") + kCallId + ".json"), dir_.Sub("nokey.pem")).exit_code, 2);
  EXPECT_EQ(Verify(dir_.Sub(std::string("ev-") + kCallId + ".json"), key_ + ".key").exit_code, 2);
  EXPECT_EQ(RunAuthtrail({"verify-evidence", dir_.Sub("x.json")}).exit_code, 2);
}

TEST_F(EvidenceE2E, Version1BundleIsReadButNotReEvaluated) {
  evidence::Bundle b = Parse(Evidence(kCallId));
  b.version = 1;
  RunResult r = VerifyText(evidence::FormatBundle(b));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("v1 bundle"), std::string::npos) << r.err;
}

TEST_F(EvidenceE2E, UsageErrors) {
  EXPECT_EQ(
      RunAuthtrail({"evidence", "--db", db_, "--event", "2", "--key", key_ + ".key"}).exit_code,
      2);  // a state event (org.created)
  EXPECT_EQ(
      RunAuthtrail({"evidence", "--db", db_, "--event", "nope", "--key", key_ + ".key"}).exit_code,
      2);
  EXPECT_EQ(RunAuthtrail({"evidence", "--db", db_, "--event", kCallId}).exit_code, 2);
  RunResult help = RunAuthtrail({"evidence", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("verify-evidence BUNDLE --pubkey"), std::string::npos) << help.out;
  EXPECT_NE(RunAuthtrail({"verify-evidence", "--help"}).out.find("re-running the rule engine"),
            std::string::npos);
  EXPECT_NE(RunAuthtrail({"--help"}).out.find("verify-evidence"), std::string::npos);
}

TEST_F(EvidenceE2E, CheckpointMustCoverEveryCitedRecord) {
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db_, "-"}, GenerateEvents(5)).exit_code, 0);
  RunResult r = RunAuthtrail(
      {"evidence", "--db", db_, "--event", "20", "--key", key_ + ".key", "--checkpoint", cp_});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("covers records 1..16"), std::string::npos) << r.err;
  // An older event still proves against the older checkpoint.
  EXPECT_EQ(Verify(Evidence(kCallId, {"--checkpoint", cp_})).exit_code, 0);
}

// docs/evidence.md: the bundle signature checked with sed, base64 and openssl.
TEST_F(EvidenceE2E, OpensslAloneVerifiesTheBundleSignature) {
  ASSERT_EQ(Shell("openssl version >/dev/null 2>&1"), 0)
      << "the openssl command is required (.ci/install-deps installs it)";
  const std::string b = Evidence(kCallId), d = dir_.path().string();
  ASSERT_EQ(Shell("sed -e 's/,\"bundle_signature\":\"[^\"]*\"}$/}/' " + b + " | tr -d '\\n' > " +
                  d + "/msg"),
            0);
  ASSERT_EQ(Shell("sed -e 's/.*\"bundle_signature\":\"\\([^\"]*\\)\"}$/\\1/' " + b +
                  " | base64 -d > " + d + "/sig"),
            0);
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + key_ +
                             ".pub.pem -rawin -in " + d + "/msg -sigfile " + d +
                             "/sig >/dev/null 2>&1";
  EXPECT_EQ(Shell(verify), 0);
  ASSERT_EQ(Shell("sed -i -e 's/\"installed\",\"value\":false/\"installed\",\"value\":true/' " + d +
                  "/msg"),
            0);
  EXPECT_NE(Shell(verify), 0);
}

TEST_F(EvidenceE2E, IngestWithSignKeyKeepsOneCheckpointPerTree) {
  EXPECT_NE(ReadFile(cp_).find("\"tree_size\":16,"), std::string::npos);
  EXPECT_EQ(RunAuthtrail({"verify", "--db", db_, "--since", cp_, "--pubkey", key_ + ".pub.pem"})
                .exit_code,
            0);
  // The environment variable does the same; the next tree gets its own file.
  setenv("AUTHTRAIL_SIGN_KEY", (key_ + ".key").c_str(), 1);
  RunResult more = RunAuthtrail({"ingest", "--db", db_, "-"}, GenerateEvents(3));
  unsetenv("AUTHTRAIL_SIGN_KEY");
  ASSERT_EQ(more.exit_code, 0) << more.err;
  const size_t at = more.out.find("checkpoint=" + db_ + "/checkpoints/");
  ASSERT_NE(at, std::string::npos) << more.out;
  const std::string next = more.out.substr(at + 11, more.out.find('\n', at) - at - 11);
  EXPECT_NE(next, cp_);
  EXPECT_TRUE(std::filesystem::exists(next)) << next;
  EXPECT_EQ(RunAuthtrail({"verify", "--db", db_, "--since", cp_, "--pubkey", key_ + ".pub.pem"})
                .exit_code,
            0);
  // A missing key stops the ingest before anything is stored.
  const std::string fresh = dir_.Sub("fresh.db");
  RunResult bad =
      RunAuthtrail({"ingest", "--db", fresh, "--sign-key", dir_.Sub("none.key"), SamplePath()});
  EXPECT_EQ(bad.exit_code, 5) << bad.err;
  EXPECT_NE(bad.err.find("--sign-key"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(fresh));
}

// A generated history (every edition, user type, flow, the rollout windows,
// assumed approvals): one event per (kind, as-of reason, rule set in force),
// each bundle re-evaluates to its decisions.
TEST_F(EvidenceE2E, OneEventOfEveryKindReasonAndRuleSetInForceVerifies) {
  const std::string gen_db = dir_.Sub("gen.db"), history = dir_.Sub("history.jsonl");
  ASSERT_EQ(
      RunAuthtrail({"gen", "--orgs", "2", "--users", "40", "--events", "3000", "--out", history})
          .exit_code,
      0);
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", gen_db, history}).exit_code, 0);
  RunResult replay = RunAuthtrail({"replay", "--db", gen_db, "--format", "jsonl"});
  ASSERT_EQ(replay.exit_code, 0);
  std::map<std::string, std::string> first_seq;  // kind|reason|as_of -> seq
  simdjson::dom::parser parser;
  for (const std::string& line : SplitLines(replay.out)) {
    simdjson::dom::element e = parser.parse(line);
    std::string key = std::string(e["kind"].get_string().value()) + "|" +
                      std::string(e["decisions"]["as-of"]["reason"].get_string().value()) + "|" +
                      std::string(e["as_of"].get_string().value());
    first_seq.emplace(key, std::to_string(e["seq"].get_uint64().value()));
  }
  ASSERT_GT(first_seq.size(), 20u);
  const std::string out = dir_.Sub("gen-ev.json");
  for (const auto& [what, seq] : first_seq) {
    RunResult ev = RunAuthtrail(
        {"evidence", "--db", gen_db, "--event", seq, "--key", key_ + ".key", "--out", out});
    ASSERT_EQ(ev.exit_code, 0) << what << " seq " << seq << ": " << ev.err;
    RunResult r = Verify(out);
    EXPECT_EQ(r.exit_code, 0) << what << " seq " << seq << ": " << r.err;
  }
}

}  // namespace
}  // namespace authtrail::testing
