// Facts: everything the rule clauses read about one request, as of its time
// (rules.md §2). The rule engine (rules.h) is a pure function of Facts, a rule
// set and the readings, so a decision can be re-evaluated from the facts alone
// (evidence bundles), without the store or the fold that produced them.
//
// Each fact that came from a stored event carries that event's seq in
// `provenance` (explain lists them). Thread-compatible value types.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "replay/decision.h"
#include "schemas/event.h"

namespace authtrail::replay {

// When a clause is checked (rules.md §5, §13.10).
enum class CheckPoint : uint8_t {
  kNone,   // login.ui: no rule applies
  kAuthz,  // oauth.authorize, every oauth.token grant, soap.login
  kCall,   // api.call
};

// A platform change's instant for this org: known, or somewhere in a window.
struct Cutover {
  bool known = true;
  MicrosUtc at = 0;            // when known
  MicrosUtc window_start = 0;  // when !known: [start, end)
  MicrosUtc window_end = 0;
};

// One approval of (user, app) on record (or assumed, events.md "Token lineage").
struct ApprovalFact {
  MicrosUtc granted_at = 0;
  bool revoked = false;  // revoked before the request
  std::optional<RevokeCauseEx> cause;
  bool password = false;     // from a username-password token (counts only under A5's alternative)
  bool assumed = false;      // partial history: granted before the org's first record
  uint64_t seq = 0;          // the event that created it (0 when assumed)
  uint64_t revoked_seq = 0;  // the event that revoked it (0 when not revoked or assumed)
};

struct Facts {
  // ---- request (§2.5) ----
  Kind kind = Kind::kLoginUi;
  MicrosUtc t = 0;
  CheckPoint check_point = CheckPoint::kNone;
  bool has_app = false;          // a ≠ ⊥ (§13.9)
  bool allowlisted = false;      // ALLOWLISTED(req)
  bool flow_device = false;      // the request's own flow or grant is device
  bool flow_jwt = false;         // grant jwt_bearer
  bool flow_refresh = false;     // grant refresh_token
  bool flow_password = false;    // grant password
  bool flow_user_agent = false;  // authorize flow user_agent
  bool continued = false;        // CONTINUED: uses an earlier approval
  bool origin_visualforce = false;
  std::optional<ApiFamily> api_family;
  uint32_t event_flags = 0;  // FLAG_BOUNDARY_DAY / APPROVAL_NOT_ON_RECORD / FLOW_UNKNOWN

  // ---- the approval a continued use rests on (events.md "Token lineage") ----
  std::optional<ApprovalFact> lineage;
  bool lineage_device = false;  // that approval was granted through device flow
  // Every approval of (user, app) on record, for PRIOR(u, a, τ).
  std::vector<ApprovalFact> approvals;

  // ---- org (§2.1) ----
  std::optional<Edition> edition;  // nullopt: none on record (treated as enterprise)
  bool api_feature = true;
  bool customizable_profiles = true;
  bool aac_enabled = false;
  bool pref_internal = false;
  bool pref_external = false;
  bool pref_visualforce = false;
  bool block_username_password_flow = false;
  bool block_user_agent_flow = false;
  Cutover t3, t4;

  // ---- user (§2.2) ----
  std::optional<UserType> user_type;
  bool api_enabled = false;
  bool use_any_api_client = false;  // the permission itself (USE_ANY also needs aac_enabled)
  bool approve_uninstalled = false;
  // Holds a time-limited assignment (active or expired) of a permission set
  // assigned to the app (§13.7).
  bool time_limited_app_assignment = false;

  // ---- app (§2.3) ----
  bool installed = false;  // INSTALLED: an install interval holds t, or org-managed
  bool blocked = false;
  bool org_managed = false;
  PermittedUsers permitted_users = PermittedUsers::self_authorize;  // UI value
  bool policy_from_api_field = false;
  bool preauthorized = false;  // PREAUTH(u, a, t)
};

// The request part of the Facts of access event `e` (rules.md §2.5): what the
// event alone says, every other member at its default. The fold (state.h)
// starts from this; its lineage step may then decide `continued` for a grant
// of `unknown` and add FLAG_APPROVAL_NOT_ON_RECORD to event_flags. Evidence
// checks compare a bundle's facts with the event record through this.
Facts RequestFacts(const Event& e);

}  // namespace authtrail::replay
