// Facts and Readings survive JSON (evidence bundles re-evaluate from them),
// and the reader refuses anything but the exact shape.
#include "replay/facts_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "replay/column.h"
#include "replay/definition.h"

namespace authtrail::replay {
namespace {

constexpr MicrosUtc kT = 1759309200000000;  // 2025-10-01T09:00:00Z

// Every member away from its default, so a member the codec forgets shows.
Facts EveryMemberSet() {
  Facts f;
  f.kind = Kind::kApiCall;
  f.t = kT + 5;
  f.check_point = CheckPoint::kCall;
  f.has_app = f.allowlisted = f.flow_device = f.flow_jwt = f.flow_refresh = true;
  f.flow_password = f.flow_user_agent = f.continued = f.origin_visualforce = true;
  f.api_family = ApiFamily::bulk;
  f.event_flags = kFlagBoundaryDay | kFlagFlowUnknown;
  f.lineage = ApprovalFact{kT - 100, true, RevokeCauseEx::kAdminRevoke, true, false, 7, 9};
  f.lineage_device = true;
  f.approvals = {*f.lineage, ApprovalFact{kT - 1, false, std::nullopt, false, true, 0, 0}};
  f.edition = Edition::developer;
  f.api_feature = f.customizable_profiles = false;
  f.aac_enabled = f.pref_internal = f.pref_external = f.pref_visualforce = true;
  f.block_username_password_flow = f.block_user_agent_flow = true;
  f.t3 = {true, kT3WindowStart + 1, 0, 0};
  f.t4 = {false, 0, kT4WindowStart, kT4WindowEnd};
  f.user_type = UserType::integration_api_only;
  f.api_enabled = f.use_any_api_client = f.approve_uninstalled = true;
  f.time_limited_app_assignment = f.installed = f.blocked = f.org_managed = true;
  f.permitted_users = PermittedUsers::admin_approved;
  f.policy_from_api_field = f.preauthorized = true;
  return f;
}

// Compares field by field through the writer (Facts has no operator==).
std::string Text(const Facts& f, bool cli) {
  std::string out;
  for (const NamedFact& n : FactsToJson(f, cli)) out += n.name + "=" + n.value_json + "\n";
  return out;
}

TEST(FactsJson, RoundTripKeepsEveryMember) {
  for (const Facts& f : {Facts{}, EveryMemberSet()}) {
    std::vector<NamedFact> named = FactsToJson(f, true);
    Facts back;
    bool cli = false;
    ASSERT_TRUE(FactsFromJson(named, &back, &cli).ok());
    EXPECT_TRUE(cli);
    EXPECT_EQ(Text(back, cli), Text(f, true));
    // Same decisions from the copy as from the original.
    EventDecisions a = DecideEvent(f, Readings{}, true), b = DecideEvent(back, Readings{}, cli);
    EXPECT_TRUE(a.as_of == b.as_of);
    for (int i = 0; i < kRuleSetCount; ++i) EXPECT_TRUE(a.columns[i] == b.columns[i]);
  }
}

TEST(FactsJson, EveryMemberIsWrittenInDeclarationOrder) {
  std::vector<NamedFact> named = FactsToJson(EveryMemberSet(), false);
  ASSERT_EQ(named.size(), FactNames().size());
  EXPECT_EQ(named.front().name, "kind");
  EXPECT_EQ(named.back().name, "cli_default_device");
  EXPECT_EQ(named[1].value_json, "\"2025-10-01T09:00:00.000005Z\"");
  // A tripwire for a member added to Facts without a codec: update both.
  EXPECT_EQ(sizeof(Facts), 200u) << "Facts changed: add the new member to facts_json.cc";
}

TEST(FactsJson, OrderOfNamedFactsDoesNotMatter) {
  std::vector<NamedFact> named = FactsToJson(EveryMemberSet(), false);
  std::reverse(named.begin(), named.end());
  Facts back;
  bool cli = true;
  ASSERT_TRUE(FactsFromJson(named, &back, &cli).ok());
  EXPECT_EQ(Text(back, cli), Text(EveryMemberSet(), false));
}

Status ReadWith(const std::string& name, const std::string& value) {
  std::vector<NamedFact> named = FactsToJson(EveryMemberSet(), false);
  for (NamedFact& n : named) {
    if (n.name == name) n.value_json = value;
  }
  Facts f;
  bool cli = false;
  return FactsFromJson(named, &f, &cli);
}

TEST(FactsJson, RejectsMalformedValuesNamingTheFact) {
  const std::pair<std::string, std::string> kBad[] = {
      {"has_app", "1"},
      {"kind", "\"org.nonsense\""},
      {"t", "\"2025-10-01T09:00:00Z\""},  // not the canonical spelling
      {"check_point", "\"later\""},
      {"api_family", "\"carrier_pigeon\""},
      {"event_flags", "[\"FLAG_FLOW_UNKNOWN\",\"FLAG_BOUNDARY_DAY\"]"},  // order
      {"event_flags", "[\"FLAG_NOPE\"]"},
      {"lineage", "{\"granted_at\":\"2025-10-01T09:00:00.000000Z\"}"},
      {"approvals", "[{}]"},
      {"t3", "{\"known\":true,\"at\":\"2025-10-01T09:00:00.000000Z\",\"extra\":1}"},
      {"t4", "{\"known\":false,\"window_start\":\"2025-10-01T09:00:00.000000Z\"}"},
      {"permitted_users", "null"},
      {"cli_default_device", "\"yes\""},
      {"preauthorized", "tru"},
  };
  for (const auto& [name, value] : kBad) {
    Status s = ReadWith(name, value);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << name << "=" << value;
    EXPECT_NE(s.message().find("fact " + name), std::string::npos) << s.message();
  }
}

TEST(FactsJson, RejectsMissingRepeatedAndUnknownFacts) {
  std::vector<NamedFact> named = FactsToJson(Facts{}, false);
  Facts f;
  bool cli = false;
  std::vector<NamedFact> missing(named.begin() + 1, named.end());
  EXPECT_NE(FactsFromJson(missing, &f, &cli).message().find("'kind' is missing"),
            std::string::npos);
  std::vector<NamedFact> twice = named;
  twice.push_back(named[3]);
  EXPECT_NE(FactsFromJson(twice, &f, &cli).message().find("given twice"), std::string::npos);
  std::vector<NamedFact> unknown = named;
  unknown.push_back({"mood", "true"});
  EXPECT_NE(FactsFromJson(unknown, &f, &cli).message().find("unknown fact 'mood'"),
            std::string::npos);
}

TEST(ReadingsJson, RoundTripAndStrictness) {
  Readings r;
  r.use_any_bypasses_block = true;
  r.t3_unknown = T3Unknown::kAssumeEnd;
  std::string json = ReadingsToJson(r);
  EXPECT_NE(json.find("\"use_any_bypasses_block\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"t3_unknown\":\"assume_end\"}"), std::string::npos) << json;
  Result<Readings> back = ReadingsFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == r);
  EXPECT_EQ(ReadingsToJson(Readings{}), ReadingsToJson(*ReadingsFromJson(ReadingsToJson({}))));
  for (std::string bad : {std::string("{}"), json.substr(0, json.size() - 1),
                          std::string(json).replace(json.find("true"), 4, "1"),
                          std::string(json).replace(json.find("assume_end"), 10, "default"),
                          std::string(json).insert(1, "\"A3\":true,")}) {
    EXPECT_EQ(ReadingsFromJson(bad).status().code(), StatusCode::kCorruption) << bad;
  }
}

TEST(Definition, HashesDifferPerRuleSetAndNameTheClauses) {
  std::set<std::string> seen;
  for (std::string_view id : {"as-of", "pre2014", "api2014", "sep2025", "dec2025"}) {
    std::optional<Digest> h = DefinitionSha256(id);
    ASSERT_TRUE(h.has_value()) << id;
    EXPECT_TRUE(seen.insert(Hex(*h)).second) << id;
  }
  EXPECT_FALSE(DefinitionSha256("sep2026").has_value());
  std::string text = RuleSetDefinitionText(RuleSet::kSep2025);
  EXPECT_EQ(text.rfind("authtrail.ruleset.v1\nrules_version 1\nrule_set sep2025\nclause P1 ", 0),
            0u)
      << text;
  EXPECT_NE(AsOfDefinitionText().find("T2 2014-09-10T07:00:00.000000Z\n"), std::string::npos);
}

}  // namespace
}  // namespace authtrail::replay
