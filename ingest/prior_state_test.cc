// Backward reconstruction: the Setup Audit Trail adapter's prior-state events
// at the end of an input (ingest/prior_state.h).
#include "ingest/prior_state.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "common/time.h"
#include "ingest/jsonl.h"

namespace authtrail::ingest {
namespace {

struct SatRow {
  std::string id, ts, action, display;
};

std::string SatCsv(const std::vector<SatRow>& rows) {
  std::string csv = "Id,Action,Section,CreatedDate,CreatedById,Display\n";
  for (const SatRow& r : rows) {
    csv += r.id + "," + r.action + ",Manage Users," + r.ts + ",0055g00000ZzZzZ,\"" + r.display +
           "\"\n";
  }
  return csv;
}

// The events EndOfInput derives from `text`, parsed (each must be valid).
std::vector<Event> Derive(Adapter* adapter, const std::string& text) {
  std::unique_ptr<RecordReader> reader = OpenRecords(LinesOf(text));
  SourceRecord record;
  RecordError read_error;
  while (reader->Next(&record, &read_error) == RecordReader::Outcome::kRecord) {
    std::vector<std::string> lines;
    MapError error;
    EXPECT_TRUE(adapter->Map(record, &lines, &error)) << error.field << ": " << error.reason;
  }
  std::vector<DerivedEvent> derived;
  adapter->EndOfInput(&derived);
  JsonlParser parser;
  std::vector<Event> out;
  for (const DerivedEvent& d : derived) {
    Event e;
    LineError error;
    EXPECT_TRUE(parser.Parse(d.line, &e, &error)) << d.line << ": " << error.reason;
    EXPECT_GT(d.pos.line, 1u);
    EXPECT_FALSE(d.raw.empty());
    out.push_back(e);
  }
  return out;
}

std::vector<Event> Derive(const std::vector<SatRow>& rows) {
  auto adapter = MakeAdapter("setupaudittrail", {"00D5g000004Sxyz", ""});
  EXPECT_TRUE(adapter.ok());
  return Derive(adapter->get(), SatCsv(rows));
}

const Event* Find(const std::vector<Event>& events, Kind kind) {
  for (const Event& e : events) {
    if (e.kind == kind) return &e;
  }
  return nullptr;
}

constexpr const char* kT1 = "2025-06-01T09:00:00.000+0000";
constexpr const char* kT2 = "2025-07-01T09:00:00.000+0000";
constexpr const char* kT3 = "2025-08-01T09:00:00.000+0000";

TEST(PriorStates, FromValuesBecomeBaselineEventsJustBeforeTheOldestRow) {
  std::vector<Event> events = Derive({
      {"0Ym000000000001", kT2, "PermSetDisableUserPerm",
       "Changed permission set Ops: API Enabled permission was changed from enabled to disabled"},
      {"0Ym000000000002", kT3, "changeUserRuntimeAccessPolicy",
       "Changed connected app Data Loader Permitted Users setting from Admin approved users are "
       "pre-authorized to All users may self-authorize"},
      {"0Ym000000000003", kT1, "PermSetCreate", "Created permission set Ops"},
      {"0Ym000000000004", kT2, "profilePermChangedCustom",
       "Changed profile Sales: general user permission Use Any API Client was changed from "
       "enabled to disabled"},
      {"0Ym000000000005", kT2, "changedprofileforuser",
       "Changed profile for user Ann Lee from Integration Profile to Sales"},
  });
  ASSERT_EQ(events.size(), 4u);
  for (const Event& e : events) {
    // The oldest row of the input (an unmapped one counts) starts the coverage.
    EXPECT_EQ(FormatCanonical(e.ts), "2025-06-01T08:59:59.999999Z");
    EXPECT_EQ(e.source, "SetupAuditTrail:reconstructed");
    EXPECT_FALSE(e.actor.has_value());  // nobody made the prior state at that time
  }
  const Event* perm = Find(events, Kind::kPermsetPermission);
  ASSERT_NE(perm, nullptr);
  EXPECT_EQ(perm->id, "0Ym000000000001:before:2025-06-01T08:59:59.999999Z");
  EXPECT_EQ(perm->permset, "Ops");
  EXPECT_EQ(perm->permission, "api_enabled");
  EXPECT_EQ(perm->enabled, true);
  const Event* policy = Find(events, Kind::kAppPolicy);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->permitted_users, PermittedUsers::admin_approved);
  EXPECT_EQ(policy->policy_source, PolicySource::ui);
  const Event* profile = Find(events, Kind::kProfilePermission);
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->permission, "use_any_api_client");
  EXPECT_EQ(profile->enabled, true);
  const Event* user = Find(events, Kind::kUserUpsert);
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->user, "Ann Lee");
  EXPECT_EQ(user->profile, "Integration Profile");
}

TEST(PriorStates, TwoStateChangesImplyTheOppositeBefore) {
  std::vector<Event> events = Derive({
      {"0Ym000000000001", kT1, "SetupEntityAccessAudit_Profile_ConnectedApplication_DisabledCustom",
       "Changed profile Sales: Data Loader connected app is disabled"},
      {"0Ym000000000002", kT1, "PermSetUnassign",
       "Permission set Ops: unassigned from user Ann Lee (UserID: [0055g00000AbCdE])"},
      {"0Ym000000000003", kT1, "PermSetAssign",
       "Permission set Temp: assigned to user Ann Lee (UserID: [0055g00000AbCdE])"},
      {"0Ym000000000004", kT1, "deactivateduser",
       "Deactivated user Ann Lee (UserID: [0055g00000AbCdE])"},
      {"0Ym000000000005", kT1, "blockConnectedApplication", "Blocked Connected App Evil"},
      {"0Ym000000000006", kT1, "unblockConnectedApplication",
       "Unblocked Connected App Good to Salesforce"},
      {"0Ym000000000007", kT1, "insertConnectedApplication",
       "Installed Connected App New to Salesforce"},
      {"0Ym000000000008", kT1, "deleteConnectedApplication", "Uninstalled Connected App Old"},
      {"0Ym000000000009", kT1, "PermSetAssignmentExpirationChange",
       "Permission set Temp2: expiration for user Ann Lee (UserID: [0055g00000AbCdE]) was changed "
       "from Sat May 20 06:59:59 GMT 2023 to Sun May 21 06:59:59 GMT 2023"},
  });
  // The uninstall's prior (installed) is not stored: app.install would also
  // reset the app's policy.
  ASSERT_EQ(events.size(), 8u);
  const Event* access = Find(events, Kind::kAppAccess);
  ASSERT_NE(access, nullptr);
  EXPECT_EQ(access->profile, "Sales");
  EXPECT_EQ(access->enabled, true);
  int assigned = 0;
  for (const Event& e : events) {
    if (e.kind == Kind::kPermsetAssign && e.permset == "Ops") {
      ++assigned;
      EXPECT_FALSE(e.expires_at.has_value());
    }
    if (e.kind == Kind::kPermsetAssign && e.permset == "Temp2") {
      ++assigned;
      ASSERT_TRUE(e.expires_at.has_value());
      EXPECT_EQ(FormatOutput(*e.expires_at), "2023-05-20T06:59:59Z");
    }
  }
  EXPECT_EQ(assigned, 2);
  const Event* unassign = Find(events, Kind::kPermsetUnassign);
  ASSERT_NE(unassign, nullptr);
  EXPECT_EQ(unassign->permset, "Temp");
  EXPECT_EQ(unassign->user, "0055g00000AbCdEAAV");
  const Event* active = Find(events, Kind::kUserUpsert);
  ASSERT_NE(active, nullptr);
  EXPECT_EQ(active->active, true);
  EXPECT_EQ(Find(events, Kind::kAppUnblock)->app, "Evil");
  EXPECT_EQ(Find(events, Kind::kAppBlock)->app, "Good");
  EXPECT_EQ(Find(events, Kind::kAppUninstall)->app, "New");
  EXPECT_EQ(Find(events, Kind::kAppInstall), nullptr);
}

TEST(PriorStates, OnlyTheOldestRowOfAFactCountsWhateverTheRowOrder) {
  // The same user written with a 15- and an 18-character id is one fact.
  std::vector<SatRow> rows = {
      {"0Ym000000000002", kT3, "PermSetUnassign",
       "Permission set Ops: unassigned from user Ann Lee (UserID: [0055g00000AbCdEAAV])"},
      {"0Ym000000000001", kT2, "PermSetAssign",
       "Permission set Ops: assigned to user Ann Lee (UserID: [0055g00000AbCdE])"},
  };
  std::vector<Event> events = Derive(rows);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kPermsetUnassign);
  EXPECT_EQ(events[0].id, "0Ym000000000001:before:2025-07-01T08:59:59.999999Z");
  std::swap(rows[0], rows[1]);
  std::vector<Event> again = Derive(rows);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0], events[0]);
}

TEST(PriorStates, UnreadableRowsOfTheSameKindBoundTheClaimAndTiesGiveNone) {
  std::vector<Event> events = Derive({
      {"0Ym000000000001", kT1, "PermSetEnableUserPerm", "Changed permission set: something odd"},
      {"0Ym000000000002", kT2, "PermSetDisableUserPerm",
       "Changed permission set Ops: API Enabled permission was changed from enabled to disabled"},
      // Another kind's unreadable row does not bound the assignment below.
      {"0Ym000000000003", kT2, "activateduser", "Activated somebody"},
      {"0Ym000000000004", kT3, "PermSetUnassign",
       "Permission set Ops: unassigned from user Ann Lee (UserID: [0055g00000AbCdE])"},
      // Two changes of one fact at one instant: their order is unknown.
      {"0Ym000000000005", kT3, "SetupEntityAccessAudit_PermissionSet_ConnectedApplication_Enabled",
       "Changed permission set Ops: A connected app is enabled"},
      {"0Ym000000000006", kT3, "SetupEntityAccessAudit_PermissionSet_ConnectedApplication_Disabled",
       "Changed permission set Ops: A connected app is disabled"},
      // A "from" that names no known policy: no prior.
      {"0Ym000000000007", kT3, "changeUserRuntimeAccessPolicy",
       "Changed connected app B Permitted Users setting from Something new to Admin approved "
       "users are pre-authorized"},
  });
  ASSERT_EQ(events.size(), 2u);
  const Event* perm = Find(events, Kind::kPermsetPermission);
  ASSERT_NE(perm, nullptr);
  EXPECT_EQ(FormatOutput(perm->ts), "2025-06-01T09:00:00Z");  // from the unreadable row on
  EXPECT_EQ(perm->enabled, true);
  const Event* assign = Find(events, Kind::kPermsetAssign);
  ASSERT_NE(assign, nullptr);
  EXPECT_EQ(FormatCanonical(assign->ts), "2025-06-01T08:59:59.999999Z");
}

TEST(PriorStates, EachInputIsReconstructedOnItsOwn) {
  auto adapter = MakeAdapter("setupaudittrail", {"00D5g000004Sxyz", ""});
  ASSERT_TRUE(adapter.ok());
  std::string first = SatCsv({{"0Ym000000000001", kT2, "activateduser",
                               "Activated user Ann Lee (UserID: [0055g00000AbCdE])"}});
  std::string second = SatCsv({{"0Ym000000000009", kT1, "PermSetCreate", "Created Ops"}});
  std::vector<Event> a = Derive(adapter->get(), first);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].active, false);
  EXPECT_TRUE(Derive(adapter->get(), second).empty());  // nothing left over from `first`
  std::vector<Event> again = Derive(adapter->get(), first);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0], a[0]);  // same input, same events: a re-ingest is a duplicate
}

}  // namespace
}  // namespace authtrail::ingest
