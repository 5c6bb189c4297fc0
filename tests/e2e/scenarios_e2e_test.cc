// Every shared scenario (../shared/scenarios) through the real binary: ingest
// the case into a fresh store, `replay --format jsonl`, and check each asserted
// decision object by event id (scenarios/README.md says how cases assert).
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;
using simdjson::dom::object;

std::string ScenarioDir() { return SourceDir() + "/../shared/scenarios"; }

std::vector<std::string> ScenarioIds() {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(ScenarioDir(), ec)) {
    std::string name = e.path().filename().string();
    const std::string suffix = ".expect.json";
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      ids.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Missing keys read as empty (simdjson results carry the error, no exception).
using Looked = simdjson::simdjson_result<element>;

std::string Str(Looked&& e) {
  std::string_view sv;
  return e.get(sv) == simdjson::SUCCESS ? std::string(sv) : std::string();
}
std::string Str(const element& e) { return Str(Looked(element(e))); }

std::vector<std::string> StrList(Looked&& e) {
  std::vector<std::string> out;
  simdjson::dom::array arr;
  if (e.get(arr) != simdjson::SUCCESS) return out;
  for (element x : arr) out.push_back(Str(x));
  return out;
}
std::vector<std::string> StrList(const element& e) { return StrList(Looked(element(e))); }

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Checks one expected decision object against the actual one; `line_flags`
// are the replay line's top-level flags (flags_include may match either).
void CheckDecision(const std::string& where, object expected, object actual,
                   const std::vector<std::string>& line_flags) {
  for (auto [key, value] : expected) {
    std::string k(key);
    if (k == "decision") {
      EXPECT_EQ(Str(actual["decision"]), Str(value)) << where;
    } else if (k == "reason") {
      std::string want = Str(value), got = Str(actual["reason"]);
      std::string cause = Str(actual["cause"]);
      bool ok = got == want || (!cause.empty() && got + ":" + cause == want);
      EXPECT_TRUE(ok) << where << ": reason " << got << (cause.empty() ? "" : ":" + cause)
                      << ", expected " << want;
    } else if (k == "flags_include") {
      std::vector<std::string> flags = StrList(actual["flags"]);
      for (const auto& f : StrList(value)) {
        EXPECT_TRUE(Contains(flags, f) || Contains(line_flags, f)) << where << ": flag " << f;
      }
    } else if (k == "also_denied_by_include") {
      std::vector<std::string> also = StrList(actual["also_denied_by"]);
      for (const auto& r : StrList(value)) {
        std::string bare = r.substr(0, r.find(':'));
        EXPECT_TRUE(Contains(also, bare)) << where << ": also_denied_by " << r;
      }
    } else if (k == "if_enforced" || k == "if_not_enforced") {
      object sub;
      ASSERT_EQ(actual[k].get(sub), simdjson::SUCCESS) << where << ": no " << k;
      CheckDecision(where + "." + k, value.get_object().value(), sub, line_flags);
    }
  }
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, ReplayMatchesExpectedDecisions) {
  const std::string id = GetParam();
  TempDir dir;
  std::string db = dir.Sub("s.db");
  RunResult in = RunAuthtrail({"ingest", "--db", db, ScenarioDir() + "/" + id + ".jsonl"});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  RunResult replay = RunAuthtrail({"replay", "--db", db, "--format", "jsonl"});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;

  simdjson::dom::parser parser;
  std::map<std::string, std::string> lines_by_id;  // keep the text alive per id
  for (const std::string& line : SplitLines(replay.out)) {
    element doc = parser.parse(line);
    lines_by_id[Str(doc["id"])] = line;
  }
  simdjson::dom::parser expect_parser;
  element expect = expect_parser.load(ScenarioDir() + "/" + id + ".expect.json");
  int checked = 0;
  for (auto [event_id, rule_sets] : expect["events"].get_object()) {
    std::string eid(event_id);
    ASSERT_TRUE(lines_by_id.count(eid)) << id << ": no replay line for " << eid << "\n"
                                        << replay.out;
    simdjson::dom::parser line_parser;
    element line = line_parser.parse(lines_by_id[eid]);
    std::vector<std::string> line_flags = StrList(line["flags"]);
    for (auto [rule_set, expected] : rule_sets.get_object()) {
      object actual;
      std::string where = id + " " + eid + " " + std::string(rule_set);
      ASSERT_EQ(line["decisions"][rule_set].get(actual), simdjson::SUCCESS) << where;
      CheckDecision(where, expected.get_object().value(), actual, line_flags);
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << id << " asserted nothing";
}

INSTANTIATE_TEST_SUITE_P(Shared, Scenario, ::testing::ValuesIn(ScenarioIds()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(ScenarioDiscovery, FindsTheSharedScenarios) { EXPECT_GE(ScenarioIds().size(), 10u); }

}  // namespace
}  // namespace authtrail::testing
