// End-to-end: replay checkpoints (`authtrail snapshot`). Explain and
// org-filtered replays that start from a checkpoint must print exactly what a
// fold from the org's first event prints; ingesting older events must not
// let a stale checkpoint be used; a damaged checkpoint is reported and skipped.
#include <simdjson.h>

#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

struct History {
  TempDir dir;
  std::vector<std::string> lines;
};

void Generate(History* h, const std::string& events) {
  const std::string path = h->dir.Sub("gen.jsonl");
  RunResult g = RunAuthtrail(
      {"gen", "--orgs", "2", "--users", "30", "--events", events, "--seed", "7", "--out", path});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  h->lines = SplitLines(ReadFile(path));
}

std::string Ingest(const History& h, const std::string& name,
                   const std::vector<std::string>& lines) {
  std::string body;
  for (const auto& l : lines) body += l + "\n";
  const std::string file = h.dir.Sub(name + ".jsonl");
  WriteFile(file, body);
  const std::string db = h.dir.Sub(name + ".db");
  RunResult r = RunAuthtrail({"ingest", "--db", db, file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return db;
}

// Every replayed seq, with its org and ts.
struct Access {
  std::string seq, id, org, ts;
};
std::vector<Access> Accesses(const std::string& db) {
  std::vector<Access> out;
  simdjson::dom::parser p;
  for (const std::string& line : SplitLines(RunAuthtrail({"replay", "--db", db}).out)) {
    simdjson::dom::element r = p.parse(line);
    out.push_back({std::to_string(int64_t(r["seq"])), std::string(std::string_view(r["id"])),
                   std::string(std::string_view(r["org"])),
                   std::string(std::string_view(r["ts"]))});
  }
  return out;
}

std::string Explain(const std::string& db, const std::string& seq) {
  RunResult ex = RunAuthtrail({"explain", "--db", db, "--event", seq, "--format", "json"});
  EXPECT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_EQ(ex.err, "");
  return ex.out;
}

std::string Decisions(const std::string& explain_json) {
  simdjson::dom::parser p;
  return simdjson::to_string(p.parse(explain_json)["decisions"]);
}

uint64_t Checkpoints(const std::string& snapshot_output) {
  const size_t at = snapshot_output.find("checkpoints=");
  return at == std::string::npos ? 0 : std::stoull(snapshot_output.substr(at + 12));
}

TEST(CheckpointE2E, ExplainAndFilteredReplayFromCheckpointsEqualAFoldFromScratch) {
  History h;
  Generate(&h, "400");
  const std::string db = Ingest(h, "s", h.lines);
  const std::vector<Access> all = Accesses(db);
  ASSERT_GT(all.size(), 200u);
  std::vector<std::string> before;
  for (size_t i = 0; i < all.size(); i += 7) before.push_back(Explain(db, all[i].seq));
  const Access& mid = all[all.size() / 2];
  const std::vector<std::string> filtered = {"replay", "--db",    db,    "--org",
                                             mid.org,  "--since", mid.ts};
  const std::string replay_before = RunAuthtrail(filtered).out;
  ASSERT_FALSE(replay_before.empty());

  RunResult snap = RunAuthtrail({"snapshot", "--db", db, "--every", "20"});
  ASSERT_EQ(snap.exit_code, 0) << snap.err;
  ASSERT_GE(Checkpoints(snap.out), 10u) << snap.out;

  for (size_t i = 0, k = 0; i < all.size(); i += 7, ++k) {
    EXPECT_EQ(Explain(db, all[i].seq), before[k]) << "seq " << all[i].seq;
  }
  EXPECT_EQ(RunAuthtrail(filtered).out, replay_before);
  EXPECT_EQ(RunAuthtrail({"verify", "--db", db}).exit_code, 0);  // checkpoints are not records
}

// An event before the org's first checkpoint is folded from the org's first
// event, with the org's constants taken from a later checkpoint instead of a
// scan: an org.enforcement recorded at the end of the history must still
// decide it (the as-of rule set inside the Sept 2025 rollout window).
TEST(CheckpointE2E, AnEventBeforeTheFirstCheckpointKeepsTheOrgsConstants) {
  History h;
  const std::string org = R"("org":"00D000000000001")";
  auto line = [&](const std::string& ts, const std::string& rest) {
    return R"({"ts":")" + ts + R"(",)" + org + "," + rest + "}";
  };
  h.lines = {
      line("2020-01-01T00:00:00Z", R"("kind":"org.created","edition":"enterprise")"),
      line("2020-01-01T00:00:01Z", R"("kind":"app.upsert","app":"ReportPal","name":"ReportPal")"),
      line("2025-09-05T10:00:00Z", R"("kind":"oauth.authorize","user":"005000000000001",)"
                                   R"("app":"ReportPal","flow":"device","id":"early")"),
  };
  for (int i = 0; i < 60; ++i) {
    h.lines.push_back(
        line("2025-10-01T10:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "Z",
             R"("kind":"login.ui","user":"005000000000002","id":"l)" + std::to_string(i) + R"(")"));
  }
  h.lines.push_back(
      line("2026-06-01T00:00:00Z",
           R"("kind":"org.enforcement","change":"sep2025","at":"2025-09-03T00:00:00Z")"));
  const std::string db = Ingest(h, "s", h.lines);
  const std::string from_scratch = Explain(db, "early");
  EXPECT_NE(from_scratch.find(R"("as_of":"sep2025")"), std::string::npos) << from_scratch;
  EXPECT_NE(from_scratch.find("T3 (org.enforcement sep2025)"), std::string::npos) << from_scratch;
  RunResult snap = RunAuthtrail({"snapshot", "--db", db, "--every", "20"});
  ASSERT_EQ(snap.exit_code, 0) << snap.err;
  ASSERT_GE(Checkpoints(snap.out), 2u) << snap.out;
  EXPECT_EQ(Explain(db, "early"), from_scratch);
}

TEST(CheckpointE2E, OlderEventsIngestedAfterASnapshotAreNotHiddenByIt) {
  History h;
  Generate(&h, "400");
  // Hold back every 5th line of the first half (state events among them),
  // snapshot, then ingest them: checkpoints after them are stale.
  std::vector<std::string> first, held;
  for (size_t i = 0; i < h.lines.size(); ++i) {
    (i < h.lines.size() / 2 && i % 5 == 0 ? held : first).push_back(h.lines[i]);
  }
  const std::string db = Ingest(h, "late", first);
  RunResult snap = RunAuthtrail({"snapshot", "--db", db, "--every", "15"});
  ASSERT_EQ(snap.exit_code, 0) << snap.err;
  ASSERT_GT(Checkpoints(snap.out), 0u);
  WriteFile(h.dir.Sub("held.jsonl"), [&] {
    std::string s;
    for (const auto& l : held) s += l + "\n";
    return s;
  }());
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, h.dir.Sub("held.jsonl")}).exit_code, 0);

  const std::string fresh = Ingest(h, "fresh", h.lines);
  const std::vector<Access> all = Accesses(fresh);
  for (size_t i = 0; i < all.size(); i += 9) {  // seqs differ between the stores: ids don't
    EXPECT_EQ(Decisions(Explain(db, all[i].id)), Decisions(Explain(fresh, all[i].id)))
        << "id " << all[i].id;
  }
}

TEST(CheckpointE2E, ADamagedCheckpointIsReportedAndNotUsed) {
  History h;
  Generate(&h, "300");
  const std::string db = Ingest(h, "d", h.lines);
  const std::vector<Access> all = Accesses(db);
  const std::string seq = all.back().seq;
  const std::string expected = Explain(db, seq);
  ASSERT_EQ(RunAuthtrail({"snapshot", "--db", db, "--every", "10"}).exit_code, 0);
  {
    RawStore raw(db);
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db()->NewIterator(rocksdb::ReadOptions(), raw.cf("meta")));
    int damaged = 0;
    for (it->Seek("snap:"); it->Valid() && it->key().starts_with("snap:"); it->Next()) {
      std::string v = it->value().ToString();
      v[v.size() / 2] ^= 0x20;
      raw.Put("meta", it->key().ToString(), v);
      ++damaged;
    }
    ASSERT_GT(damaged, 0);
  }
  RunResult ex = RunAuthtrail({"explain", "--db", db, "--event", seq, "--format", "json"});
  EXPECT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_EQ(ex.out, expected);
  EXPECT_NE(ex.err.find("damaged checkpoint"), std::string::npos) << ex.err;
}

TEST(CheckpointE2E, SnapshotUsageErrors) {
  TempDir dir;
  EXPECT_EQ(RunAuthtrail({"snapshot", "--db", dir.Sub("s.db"), "--every", "0"}).exit_code, 2);
  EXPECT_EQ(RunAuthtrail({"snapshot", "--db", dir.Sub("missing.db")}).exit_code, 5);
  RunResult help = RunAuthtrail({"snapshot", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--every"), std::string::npos);
}

}  // namespace
}  // namespace authtrail::testing
