// Replay from a snapshot equals replay from scratch: fold a generated history
// once straight through, and once stopping at an instant, snapshotting every
// org, restoring the snapshots into a fresh replayer and going on. Every
// decision after the instant must be identical.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "ingest/jsonl.h"
#include "replay/replayer.h"
#include "schemas/canonical.h"
#include "tools/generator.h"
#include "tools/replay_output.h"

namespace authtrail {
namespace {

struct Folded {
  std::vector<std::pair<uint64_t, Event>> events;  // fold order
  std::unordered_map<std::string, replay::OrgConstants> constants;
};

Folded GenerateFolded(uint64_t n_events) {
  std::ostringstream out;
  tools::GenOptions g;
  g.orgs = 3;
  g.users = 60;
  g.events = n_events;
  g.seed = 11;
  tools::Generate(g, out);
  ingest::JsonlParser parser;
  std::vector<std::tuple<Event, std::string>> parsed;
  std::istringstream in(out.str());
  std::string line;
  while (std::getline(in, line)) {
    Event e;
    ingest::LineError err;
    EXPECT_TRUE(parser.Parse(line, &e, &err)) << err.field << ": " << err.reason;
    parsed.emplace_back(e, Canonical(e));
  }
  std::sort(parsed.begin(), parsed.end(), [](const auto& a, const auto& b) {
    const Event &x = std::get<0>(a), &y = std::get<0>(b);
    if (x.ts != y.ts) return x.ts < y.ts;
    if (x.kind != y.kind) return x.kind < y.kind;
    return std::get<1>(a) < std::get<1>(b);
  });
  Folded f;
  for (size_t i = 0; i < parsed.size(); ++i) {
    f.events.emplace_back(i + 1, std::get<0>(parsed[i]));
    f.constants[f.events.back().second.org].Observe(f.events.back().second, i + 1);
  }
  return f;
}

std::string LineText(const Event& e, const replay::ReplayLine& l) {
  static const auto columns = *tools::ParseRules("as-of,pre2014,api2014,sep2025,dec2025");
  std::string out;
  tools::AppendReplayJson(e, l, columns, &out);
  return out;
}

TEST(SnapshotEquivalence, ReplayFromSnapshotsEqualsReplayFromScratch) {
  Folded f = GenerateFolded(4000);
  ASSERT_GT(f.events.size(), 4000u);
  for (MicrosUtc cut : {1420070400000000LL /*2015*/, 1757462400000000LL /*2025-09-10*/,
                        1765238400000000LL /*2025-12-09*/}) {
    replay::Replayer scratch({}, f.constants), first_half({}, f.constants),
        second_half({}, f.constants);
    size_t compared = 0;
    bool restored = false;
    for (const auto& [seq, e] : f.events) {
      auto expected = scratch.Process(seq, e);
      if (e.ts < cut) {
        first_half.Process(seq, e);
        continue;
      }
      if (!restored) {
        for (const auto& [org, k] : f.constants) {
          const replay::OrgState* s = first_half.StateIfAny(org);
          if (s == nullptr) continue;
          std::string bytes = s->Snapshot(first_half.Fingerprint(org), cut);
          MicrosUtc before = 0;
          auto back =
              replay::OrgState::FromSnapshot(bytes, k, second_half.Fingerprint(org), &before);
          ASSERT_TRUE(back.ok()) << back.status().ToString();
          EXPECT_EQ(before, cut);
          second_half.Seed(org, std::move(back).value());
        }
        restored = true;
      }
      auto got = second_half.Process(seq, e);
      ASSERT_EQ(expected.has_value(), got.has_value());
      if (!expected) continue;
      EXPECT_EQ(LineText(e, *expected), LineText(e, *got)) << "seq " << seq;
      ++compared;
    }
    EXPECT_GT(compared, 100u) << "cut " << cut;
  }
}

TEST(SnapshotEquivalence, FingerprintMismatchAndGarbageAreRefused) {
  Folded f = GenerateFolded(300);
  replay::Replayer r({}, f.constants);
  for (const auto& [seq, e] : f.events) r.Process(seq, e);
  const std::string org = f.events.front().second.org;
  std::string bytes = r.StateIfAny(org)->Snapshot(r.Fingerprint(org), 0);
  MicrosUtc before = 0;
  replay::Readings other;
  other.use_any_bypasses_block = true;
  uint64_t other_fp = replay::SnapshotFingerprint(f.constants[org], other);
  EXPECT_EQ(
      replay::OrgState::FromSnapshot(bytes, f.constants[org], other_fp, &before).status().code(),
      StatusCode::kFailedPrecondition);
  for (size_t cut = 0; cut < bytes.size(); cut += std::max<size_t>(1, bytes.size() / 200)) {
    std::string damaged = bytes.substr(0, cut);
    EXPECT_FALSE(
        replay::OrgState::FromSnapshot(damaged, f.constants[org], r.Fingerprint(org), &before)
            .ok());
  }
}

}  // namespace
}  // namespace authtrail
