// OrgState: one org's state, folded from its events in fold order
// (events.md "Ordering"), and the Facts of an access event read from it.
//
// The fold keeps what the rules need to ask "as of now" while events are
// applied in time order: settings, users, permissions, assignments (with
// expiry, which takes effect by time alone), apps, and every approval of every
// (user, app) pair including revoked ones — a revoked grant is never
// forgotten. Each fact keeps the seq of the event that established it, for
// explain.
//
// Org constants that take effect wherever their record sits in time (the
// org's creation instant, its known T3/T4 — rules.md §13.13) are given up
// front through OrgConstants, gathered by a pre-pass over those kinds.
//
// Thread-safety: thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "replay/decision.h"
#include "replay/facts.h"
#include "replay/readings.h"
#include "schemas/event.h"

namespace authtrail::replay {

// Facts of an org that apply regardless of when their record was folded.
struct OrgConstants {
  std::optional<MicrosUtc> created_at;  // first org.created in fold order
  std::optional<MicrosUtc> t3_known;    // last org.enforcement sep2025
  std::optional<MicrosUtc> t4_known;    // last org.enforcement dec2025
  uint64_t created_seq = 0, t3_seq = 0, t4_seq = 0;
  // Folds one org.created / org.enforcement record (others are ignored).
  void Observe(const Event& e, uint64_t seq);
};

// Identifies what a fold depends on besides the events: the org constants and
// the readings (as-of verdicts decide approvals recorded without an outcome).
uint64_t SnapshotFingerprint(const OrgConstants& constants, const Readings& readings);

// Where a fact came from: a short fact name (explain's wording), the seq of
// the event, and the Facts members (facts.h names, as in facts_json.h) that
// event helps establish.
struct FactSource {
  std::string fact;
  uint64_t seq;
  std::vector<std::string_view> fields;  // string literals
};

struct Approval {
  MicrosUtc granted_at = 0;
  std::optional<Flow> flow;  // the authorization's flow (none for a password token)
  bool device = false;       // granted through device flow
  bool password = false;     // a username-password token (rules.md A5)
  std::optional<MicrosUtc> revoked_at;
  std::optional<RevokeCauseEx> cause;
  uint64_t seq = 0;
  uint64_t revoked_seq = 0;
};

class OrgState {
 public:
  struct SnapshotCodec;  // replay/snapshot.cc
  explicit OrgState(OrgConstants constants) : constants_(std::move(constants)) {}

  // Applies a state event (and oauth.revoke). REQUIRES: !IsAccessKind(e.kind)
  // || e.kind == Kind::kOauthRevoke. Events must come in fold order.
  void Apply(const Event& e, uint64_t seq);

  // Notes the first event of the org (for assumed approvals); call for every event.
  void Saw(const Event& e);

  // The facts of access event `e` as of now. With `sources`, also lists the
  // events that established each fact read (for explain). `cli_device` is set
  // when the request is a device flow (or device lineage) on the default
  // Salesforce CLI app.
  Facts FactsFor(const Event& e, std::vector<FactSource>* sources, bool* cli_device) const;

  // The flow of the approval a continued use rests on (cli.md `flow` of an
  // api.call), when one is on record.
  std::optional<Flow> LineageFlow(const Event& e) const;

  // ---- snapshots (replay/snapshot.cc) ----
  // The state as FlatBuffers bytes (schemas/snapshot.fbs), covering every
  // event with ts < `before`; `fingerprint` identifies the constants and
  // readings the fold used (SnapshotFingerprint).
  std::string Snapshot(uint64_t fingerprint, MicrosUtc before) const;
  // Restores a state from Snapshot() bytes. kCorruption when the bytes fail
  // the FlatBuffers verifier; kFailedPrecondition when the fingerprint differs
  // (the snapshot was folded with other constants or readings: fold from scratch).
  static Result<OrgState> FromSnapshot(std::string_view bytes, OrgConstants constants,
                                       uint64_t fingerprint, MicrosUtc* before);

  // Records what the platform did after an access event was decided:
  // approvals from successful authorizations (rules.md §13.11), using the
  // as-of verdict when no outcome was recorded.
  void RecordAccess(const Event& e, uint64_t seq, Verdict as_of);

 private:
  struct Assignment {
    MicrosUtc assigned_at = 0;
    std::optional<MicrosUtc> expires_at;
    uint64_t seq = 0;
  };
  struct User {
    std::optional<UserType> type;
    std::optional<std::string> profile;
    uint64_t type_seq = 0, profile_seq = 0;
    std::map<std::string, Assignment> assignments;  // permset -> assignment
    std::unordered_set<std::string> time_limited;   // permsets ever assigned with an expiry
  };
  struct PermissionGrant {
    bool enabled = false;
    uint64_t seq = 0;
  };
  using Grants = std::unordered_map<std::string, PermissionGrant>;  // permission -> grant
  struct App {
    bool allowlisted = false, org_managed = false, cli_default = false;
    bool installed = false, blocked = false;
    PermittedUsers policy = PermittedUsers::self_authorize;
    bool policy_from_api_field = false;
    uint64_t declared_seq = 0, install_seq = 0, block_seq = 0, policy_seq = 0;
    std::map<std::string, uint64_t> access_profiles, access_permsets;  // -> seq
  };
  struct Revocation {
    MicrosUtc at;
    std::optional<RevokeCauseEx> cause;
    uint64_t seq;
  };
  struct Pair {
    std::vector<Approval> approvals;
    std::vector<Revocation> revocations;  // every revocation of the pair, in order
  };
  using PairKey = std::pair<std::string, std::string>;  // (user, app)
  using PairView = std::pair<std::string_view, std::string_view>;
  // Transparent, so that a look-up from an event's ids copies no string
  // (18-char ids do not fit the small-string buffer: two mallocs a find).
  struct PairHash {
    using is_transparent = void;
    size_t operator()(PairView k) const;
    size_t operator()(const PairKey& k) const { return (*this)(PairView(k.first, k.second)); }
  };
  struct PairEq {
    using is_transparent = void;
    bool operator()(PairView a, PairView b) const { return a == b; }
  };

  void ApplyOrg(const Event& e, uint64_t seq);
  void ApplyUser(const Event& e, uint64_t seq);
  void ApplyApp(const Event& e, uint64_t seq);
  void RevokePair(Pair* p, MicrosUtc at, std::optional<RevokeCauseEx> cause, uint64_t seq);
  void RevokeApp(const std::string& app, MicrosUtc at, RevokeCauseEx cause, uint64_t seq);
  bool Has(const User* u, const std::string& permission, MicrosUtc t,
           std::vector<FactSource>* sources) const;
  bool Active(const Assignment& a, MicrosUtc t) const;
  void OrgFacts(MicrosUtc t, Facts* f, std::vector<FactSource>* sources) const;
  void UserFacts(const Event& e, Facts* f, std::vector<FactSource>* sources) const;
  void AppFacts(const Event& e, Facts* f, std::vector<FactSource>* sources) const;
  void LineageFacts(const Event& e, Facts* f, std::vector<FactSource>* sources) const;

  OrgConstants constants_;
  std::optional<MicrosUtc> first_event_ts_;
  std::optional<Edition> edition_;
  uint64_t edition_seq_ = 0;
  std::map<Setting, std::pair<bool, uint64_t>> settings_;  // explicit org.setting values
  std::unordered_map<std::string, User> users_;
  std::unordered_map<std::string, Grants> profiles_, permsets_;
  std::unordered_map<std::string, App> apps_;
  std::unordered_map<PairKey, Pair, PairHash, PairEq> pairs_;
  // Block / package-uninstall revocations per app: they also end approvals
  // that are only assumed (partial history), whose pair may not exist yet.
  std::unordered_map<std::string, std::vector<Revocation>> app_revocations_;
};

}  // namespace authtrail::replay
