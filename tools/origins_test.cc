// Origins: which facts have no known origin, an unknown prior value, or a
// change the imported history does not show.
#include "tools/origins.h"

#include <gtest/gtest.h>

#include "ingest/jsonl.h"

namespace authtrail::tools {
namespace {

// Events parsed from native JSONL, in the given (fold) order.
std::vector<FactGap> GapsOf(std::initializer_list<std::string_view> lines) {
  ingest::JsonlParser parser;
  Origins origins;
  for (std::string_view line : lines) {
    Event e;
    ingest::LineError error;
    EXPECT_TRUE(parser.Parse(line, &e, &error)) << line << ": " << error.reason;
    origins.Add(e);
  }
  return origins.Gaps();
}

constexpr const char* kOrg18 = "00D5g000004SxyzEAC";

TEST(Origins, SnapshotFactsWithoutEarlierRecordHaveNoKnownOrigin) {
  std::vector<FactGap> gaps = GapsOf({
      R"({"ts":"2025-11-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"user.upsert","user":"0055g00000AbCdE","profile":"Sales","active":true,"source":"snapshot:User"})",
      R"({"ts":"2025-11-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"permset.permission","permset":"Ops","permission":"api_enabled","enabled":true,"source":"snapshot:PermissionSet"})",
  });
  ASSERT_EQ(gaps.size(), 3u);
  EXPECT_EQ(gaps[0].what, FactGap::What::kNoKnownOrigin);
  EXPECT_EQ(gaps[0].org, kOrg18);
  EXPECT_EQ(gaps[0].fact.name, "permset.permission");
  EXPECT_EQ(gaps[0].fact.value, "true");
  EXPECT_EQ(gaps[0].source, "snapshot:PermissionSet");
  EXPECT_EQ(FormatOutput(gaps[0].known_from), "2025-11-01T00:00:00Z");
  EXPECT_EQ(gaps[1].fact.name, "user.active");
  EXPECT_EQ(gaps[2].fact.name, "user.profile");
  EXPECT_EQ(gaps[2].fact.subject[0].second, "0055g00000AbCdEAAV");
}

TEST(Origins, AnEarlierRecordIsTheOriginAndASnapshotThatDisagreesIsAnUnseenChange) {
  std::vector<FactGap> gaps = GapsOf({
      R"({"ts":"2025-05-31T23:59:59.999999Z","org":"00D5g000004Sxyz","kind":"permset.permission","permset":"Ops","permission":"api_enabled","enabled":true,"id":"0Ym1:before:2025-05-31T23:59:59.999999Z","source":"SetupAuditTrail:reconstructed"})",
      R"({"ts":"2025-06-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"permset.permission","permset":"Ops","permission":"api_enabled","enabled":false,"id":"0Ym1","source":"SetupAuditTrail"})",
      R"({"ts":"2025-11-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"permset.permission","permset":"Ops","permission":"api_enabled","enabled":true,"source":"snapshot:PermissionSet"})",
      R"({"ts":"2025-11-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"permset.permission","permset":"Ops","permission":"use_any_api_client","enabled":false,"source":"jsonl"})",
  });
  ASSERT_EQ(gaps.size(), 1u);  // the reconstructed prior is an origin on record
  EXPECT_EQ(gaps[0].what, FactGap::What::kUnseenChange);
  EXPECT_EQ(gaps[0].fact.value, "true");
  EXPECT_EQ(gaps[0].before_value, "false");
  EXPECT_EQ(gaps[0].before_source, "SetupAuditTrail");
  EXPECT_EQ(FormatOutput(gaps[0].before_ts), "2025-06-01T00:00:00Z");
}

TEST(Origins, AReconstructedPriorThatDisagreesWithAnEarlierSnapshotIsAnUnseenChange) {
  std::vector<FactGap> gaps = GapsOf({
      R"({"ts":"2025-01-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"app.policy","app":"A","permitted_users":"admin_approved","policy_source":"api_field","source":"snapshot:ConnectedApplication"})",
      R"({"ts":"2025-05-31T23:59:59.999999Z","org":"00D5g000004Sxyz","kind":"app.policy","app":"A","permitted_users":"self_authorize","policy_source":"ui","id":"0Ym1:before:2025-05-31T23:59:59.999999Z","source":"SetupAuditTrail:reconstructed"})",
  });
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0].what, FactGap::What::kNoKnownOrigin);
  EXPECT_EQ(gaps[1].what, FactGap::What::kUnseenChange);
  EXPECT_EQ(gaps[1].id, "0Ym1:before:2025-05-31T23:59:59.999999Z");
  EXPECT_EQ(gaps[1].before_value, "admin_approved");
}

TEST(Origins, ASetupAuditTrailChangeWithNoPriorInFrontIsUnknownBefore) {
  std::vector<FactGap> gaps = GapsOf({
      R"({"ts":"2025-06-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"app.uninstall","app":"Data Loader","id":"0Ym2","source":"SetupAuditTrail"})",
      R"({"ts":"2025-06-02T00:00:00Z","org":"00D5g000004Sxyz","kind":"app.install","app":"Data Loader","id":"0Ym3","source":"SetupAuditTrail"})",
      R"({"ts":"2025-06-03T00:00:00Z","org":"00D5g000004Sxyz","kind":"login.ui","user":"0055g00000AbCdE"})",
  });
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].what, FactGap::What::kUnknownBefore);
  EXPECT_EQ(gaps[0].fact.name, "app.installed");
  EXPECT_EQ(gaps[0].fact.value, "uninstalled");
  EXPECT_EQ(gaps[0].id, "0Ym2");
  EXPECT_EQ(GapName(gaps[0].what), "unknown_before");
}

TEST(Origins, FactsAreKeyedByNormalizedIdsAndHolders) {
  std::vector<FactGap> gaps = GapsOf({
      R"({"ts":"2025-06-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"permset.assign","permset":"Ops","user":"0055g00000AbCdE","source":"jsonl"})",
      R"({"ts":"2025-11-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"permset.assign","permset":"Ops","user":"0055g00000AbCdEAAV","source":"snapshot:PermissionSetAssignment"})",
      R"({"ts":"2025-11-01T00:00:00Z","org":"00D5g000004Sxyz","kind":"app.access","app":"A","profile":"Ops","enabled":true,"source":"snapshot:SetupEntityAccess"})",
  });
  ASSERT_EQ(gaps.size(), 1u);  // the assignment has an origin; the profile's access has none
  EXPECT_EQ(gaps[0].fact.name, "app.access");
  EXPECT_EQ(gaps[0].fact.subject[1].first, Field::kProfile);
}

}  // namespace
}  // namespace authtrail::tools
