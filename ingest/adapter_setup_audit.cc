// SetupAuditTrail -> state events (sources.md §3). The Action code picks the
// rule; the names it needs (app, permission set, profile, permission, user)
// are read from Display, whose wording sources.md §3.2 documents:
//
//   insertConnectedApplication       Installed Connected App <A> to Salesforce   app.install
//   deleteConnectedApplication       Uninstalled Connected App <A>               app.uninstall
//   blockConnectedApplication        Blocked Connected App <A>                   app.block
//   unblockConnectedApplication      Unblocked Connected App <A> to Salesforce   app.unblock
//   changeUserRuntimeAccessPolicy    Changed connected app <A> Permitted Users
//                                    setting from X to Y                         app.policy
//   SetupEntityAccessAudit_{PermissionSet,Profile}_ConnectedApplication_*
//                                    Changed permission set|profile <P>: <A>
//                                    connected app is enabled|disabled           app.access
//   PermSetAssign[_HasExpiration], PermSetGroupAssign
//                                    Permission set [group] <P>[ with expiration]:
//                                    assigned to user <N> (UserID: [<id>])
//                                    [, expiring on EEE MMM dd HH:mm:ss GMT yyyy] permset.assign
//   PermSetUnassign[_HasExpiration], PermSetGroupUnassign                        permset.unassign
//   PermSetAssignmentExpirationChange  ... changed from <d1> to <d2>             permset.assign
//   PermSetEnableUserPerm / PermSetDisableUserPerm
//                                    Changed permission set <P>: <Perm>
//                                    permission was changed from X to Y          permset.permission
//   profilePermChanged{Custom,Standard}
//                                    Changed profile <P>: general user permission
//                                    <Perm> was changed from X to Y              profile.permission
//   changedprofileforuser*           Changed profile for user <N> from <P1> to <P2> user.upsert
//   activateduser / deactivateduser  (De)activated user <N> (UserID: [<id>])     user.upsert
//
// Any other action, and a mapped action whose Display does not read as above,
// becomes `unmapped` (action, section, display verbatim): kept, never guessed.
// Apps, profiles and permission sets are named by their label, as Display
// names them; users by id when Display gives "(UserID: [...])", else by name.
//
// Every mapped row also says what the fact was before it (the "from X" of its
// Display, or the opposite of a two-state change); at the end of each input
// the oldest such row of each fact becomes a baseline event at the start of
// the input's coverage (ingest/prior_state.h). The prior of an uninstall
// (installed) is not reconstructed: app.install also resets the app's
// Permitted Users policy (rules.md §13.19), which the row says nothing about.
#include <array>
#include <iterator>
#include <optional>
#include <string>

#include "common/time.h"
#include "ingest/adapter_internal.h"
#include "ingest/jsonl.h"
#include "ingest/prior_state.h"
#include "schemas/facts.h"

namespace authtrail::ingest::adapter_internal {
namespace {

using Text = std::string_view;

bool StartsWithNoCase(Text s, Text prefix) {
  return s.size() >= prefix.size() && SameText(s.substr(0, prefix.size()), prefix);
}

// The text between `before` and `after` (first occurrences, `after` searched
// from the end of `before`); nullopt when either is missing. Empty `after`:
// to the end.
std::optional<Text> Between(Text s, Text before, Text after) {
  size_t b = s.find(before);
  if (b == Text::npos) return std::nullopt;
  b += before.size();
  if (after.empty()) return s.substr(b);
  size_t e = s.find(after, b);
  if (e == Text::npos) return std::nullopt;
  return s.substr(b, e - b);
}

// The value after the last " to " (the new value of "changed from X to Y").
std::optional<Text> NewValue(Text s) {
  size_t to = s.rfind(" to ");
  if (to == Text::npos || s.find(" from ") == Text::npos) return std::nullopt;
  return s.substr(to + 4);
}

// "Sat May 20 06:59:59 GMT 2023" -> "2023-05-20T06:59:59Z" (GMT/UTC only:
// any other zone name is ambiguous without a zone database).
std::optional<std::string> DisplayDate(Text s) {
  static constexpr std::array<Text, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::array<Text, 6> w;
  size_t n = 0;
  while (!s.empty() && n < w.size()) {
    size_t sp = s.find(' ');
    w[n++] = s.substr(0, sp);
    s = sp == Text::npos ? Text() : s.substr(sp + 1);
  }
  if (n != 6 || !s.empty() || (w[4] != "GMT" && w[4] != "UTC") || w[3].size() != 8) {
    return std::nullopt;
  }
  size_t month = 0;
  while (month < 12 && kMonths[month] != w[1]) ++month;
  if (month == 12 || w[2].size() > 2 || w[5].size() != 4) return std::nullopt;
  std::string out(w[5]);
  out += '-';
  out += static_cast<char>('0' + (month + 1) / 10);
  out += static_cast<char>('0' + (month + 1) % 10);
  out += '-';
  if (w[2].size() == 1) out += '0';
  out.append(w[2]).append("T").append(w[3]).append("Z");
  return out;
}

// The UI label of the three permissions the rules read -> events.md name.
// Other permissions are stored under their label as Display gives it.
std::string PermissionName(Text label) {
  if (SameText(label, "API Enabled")) return "api_enabled";
  if (SameText(label, "Use Any API Client")) return "use_any_api_client";
  if (SameText(label, "Approve Uninstalled Connected Apps")) {
    return "approve_uninstalled_connected_apps";
  }
  return std::string(label);
}

// "(UserID: [005...])" when present, else `name`.
Text UserOf(Text display, Text name) {
  std::optional<Text> id = Between(display, "(UserID: [", "]");
  return id && !id->empty() ? *id : name;
}

// The text between " from " (after `after`) and the last " to ": the old
// value of "changed from X to Y".
std::optional<Text> OldValue(Text s, size_t after = 0) {
  size_t from = s.find(" from ", after);
  size_t to = s.rfind(" to ");
  if (from == Text::npos || to == Text::npos || to < from + 6) return std::nullopt;
  return s.substr(from + 6, to - from - 6);
}

// Permitted Users label -> events.md value ("" unknown).
Text PolicyOf(Text label) {
  if (StartsWithNoCase(label, "Admin approved users")) return "admin_approved";
  if (StartsWithNoCase(label, "All users may self-authorize")) return "self_authorize";
  return {};
}

// The fact family (schemas/facts.h) of a mapped action; nullopt: not mapped.
std::optional<Text> FamilyOf(Text a) {
  if (SameText(a, "insertConnectedApplication") || SameText(a, "deleteConnectedApplication")) {
    return "app.installed";
  }
  if (SameText(a, "blockConnectedApplication") || SameText(a, "unblockConnectedApplication")) {
    return "app.blocked";
  }
  if (SameText(a, "changeUserRuntimeAccessPolicy")) return "app.policy";
  if (StartsWithNoCase(a, "SetupEntityAccessAudit_PermissionSet_ConnectedApplication_") ||
      StartsWithNoCase(a, "SetupEntityAccessAudit_Profile_ConnectedApplication_")) {
    return "app.access";
  }
  for (Text assign : {"PermSetAssign", "PermSetAssign_HasExpiration", "PermSetGroupAssign",
                      "PermSetUnassign", "PermSetUnassign_HasExpiration", "PermSetGroupUnassign",
                      "PermSetAssignmentExpirationChange"}) {
    if (SameText(a, assign)) return "permset.assignment";
  }
  if (SameText(a, "PermSetEnableUserPerm") || SameText(a, "PermSetDisableUserPerm")) {
    return "permset.permission";
  }
  if (StartsWithNoCase(a, "profilePermChanged")) return "profile.permission";
  if (StartsWithNoCase(a, "changedprofileforuser")) return "user.profile";
  if (SameText(a, "activateduser") || SameText(a, "deactivateduser")) return "user.active";
  return std::nullopt;
}

struct AuditRecord {
  std::string ts, org;
  Text id, actor, action, section, display;
};

// A mapped row: its event, and the state before it when the row says.
struct Mapped {
  std::string line;
  std::optional<PriorStates::Prior> prior;
};

class SetupAuditTrailAdapter : public Adapter {
 public:
  explicit SetupAuditTrailAdapter(AdapterOptions options)
      : options_(std::move(options)), priors_(options_.org) {}

  bool Map(const SourceRecord& record, std::vector<std::string>* out, MapError* error) override {
    Row row(record, error);
    AuditRecord r;
    if (!row.Require("Id", &r.id) || !RequireTime(&row, "CreatedDate", &r.ts)) return false;
    if (!OrgOf(&row, "", options_.org, &r.org) || !row.Require("Action", &r.action)) return false;
    r.actor = row.GetAny({"CreatedById", "CreatedBy.Username"});
    r.section = row.Get("Section");
    r.display = row.Get("Display");
    std::optional<Mapped> mapped = MapAction(r);
    Note(r, record, mapped);
    out->push_back(mapped ? std::move(mapped->line) : Unmapped(r));
    return true;
  }

  void EndOfInput(std::vector<DerivedEvent>* out) override {
    std::vector<DerivedEvent> derived = priors_.Finish();
    std::move(derived.begin(), derived.end(), std::back_inserter(*out));
  }

 private:
  // Tells priors_ what the row changed. The fact is read from the event as
  // the JSONL parser normalizes it (15- and 18-character ids of one user are
  // one fact); a row whose event the parser rejects is rejected as a whole
  // by ingest, so it counts as unreadable here.
  void Note(const AuditRecord& r, const SourceRecord& record, const std::optional<Mapped>& m) {
    MicrosUtc ts = ParseRfc3339(r.ts).value();  // RequireTime checked it
    std::optional<Text> family = FamilyOf(r.action);
    if (!family) return priors_.SawRow(ts);
    Event event;
    LineError error;
    std::vector<Fact> facts;
    if (m && parser_.Parse(m->line, &event, &error)) facts = FactsOf(event);
    if (facts.size() != 1 || facts[0].name != *family) {
      return priors_.Unreadable(std::string(*family), ts);
    }
    priors_.Changed({facts[0].Key(), facts[0].name, m->prior}, ts, r.id, record);
  }

  EventJson Start(Text kind, const AuditRecord& r) const {
    EventJson e(kind, r.ts, r.org);
    e.Str("id", r.id).Str("source", "SetupAuditTrail").Opt("actor", r.actor);
    return e;
  }

  std::string Unmapped(const AuditRecord& r) const {
    EventJson e = Start("unmapped", r);
    e.Str("action", r.action).Opt("section", r.section).Opt("display", r.display);
    return std::move(e).Done();
  }

  static Mapped Done(EventJson e, std::optional<PriorStates::Prior> prior) {
    return {std::move(e).Done(), std::move(prior)};
  }

  std::optional<Mapped> MapAction(const AuditRecord& r) const {
    Text a = r.action;
    if (SameText(a, "insertConnectedApplication")) return AppEvent(r, "app.install");
    if (SameText(a, "deleteConnectedApplication")) return AppEvent(r, "app.uninstall");
    if (SameText(a, "blockConnectedApplication")) return AppEvent(r, "app.block");
    if (SameText(a, "unblockConnectedApplication")) return AppEvent(r, "app.unblock");
    if (SameText(a, "changeUserRuntimeAccessPolicy")) return Policy(r);
    if (StartsWithNoCase(a, "SetupEntityAccessAudit_PermissionSet_ConnectedApplication_")) {
      return Access(r, "Changed permission set ", "permset");
    }
    if (StartsWithNoCase(a, "SetupEntityAccessAudit_Profile_ConnectedApplication_")) {
      return Access(r, "Changed profile ", "profile");
    }
    if (SameText(a, "PermSetAssign") || SameText(a, "PermSetAssign_HasExpiration") ||
        SameText(a, "PermSetGroupAssign")) {
      return Assignment(r, true);
    }
    if (SameText(a, "PermSetUnassign") || SameText(a, "PermSetUnassign_HasExpiration") ||
        SameText(a, "PermSetGroupUnassign")) {
      return Assignment(r, false);
    }
    if (SameText(a, "PermSetAssignmentExpirationChange")) return ExpirationChange(r);
    if (SameText(a, "PermSetEnableUserPerm") || SameText(a, "PermSetDisableUserPerm")) {
      return Permission(r, "Changed permission set ", ": ", " permission was changed", "permset");
    }
    if (StartsWithNoCase(a, "profilePermChanged")) {
      return Permission(r, "Changed profile ", ": general user permission ", " was changed",
                        "profile");
    }
    if (StartsWithNoCase(a, "changedprofileforuser")) return ProfileOfUser(r);
    if (SameText(a, "activateduser")) return Activation(r, "Activated user ", true);
    if (SameText(a, "deactivateduser")) return Activation(r, "Deactivated user ", false);
    return std::nullopt;
  }

  // The state before: not installed / not blocked / blocked. Not for an
  // uninstall: app.install would also reset the Permitted Users policy.
  static std::optional<PriorStates::Prior> AppPrior(Text kind, Text app) {
    Text before = kind == "app.install"   ? "app.uninstall"
                  : kind == "app.block"   ? "app.unblock"
                  : kind == "app.unblock" ? "app.block"
                                          : "";
    if (before.empty()) return std::nullopt;
    return PriorStates::Prior{std::string(before), JsonFields().Str("app", app).Done()};
  }

  std::optional<Mapped> AppEvent(const AuditRecord& r, Text kind) const {
    std::optional<Text> name = Between(r.display, "onnected App ", "");
    if (!name) return std::nullopt;
    Text n = *name;
    if (n.ends_with(" to Salesforce")) n.remove_suffix(14);
    if (n.empty()) return std::nullopt;
    return Done(std::move(Start(kind, r).Str("app", n)), AppPrior(kind, n));
  }

  std::optional<Mapped> Policy(const AuditRecord& r) const {
    std::optional<Text> app = Between(r.display, "Changed connected app ", " Permitted Users");
    std::optional<Text> to = NewValue(r.display);
    if (!app || app->empty() || !to) return std::nullopt;
    Text value = PolicyOf(*to);
    if (value.empty()) return std::nullopt;
    EventJson e = Start("app.policy", r);
    e.Str("app", *app).Str("permitted_users", value).Str("policy_source", "ui");
    std::optional<PriorStates::Prior> prior;
    std::optional<Text> from = OldValue(r.display, r.display.find(" Permitted Users"));
    if (Text before = from ? PolicyOf(*from) : Text(); !before.empty()) {
      prior = {"app.policy", JsonFields()
                                 .Str("app", *app)
                                 .Str("permitted_users", before)
                                 .Str("policy_source", "ui")
                                 .Done()};
    }
    return Done(std::move(e), std::move(prior));
  }

  std::optional<Mapped> Access(const AuditRecord& r, Text prefix, Text holder) const {
    std::optional<Text> owner = Between(r.display, prefix, ": ");
    std::optional<Text> app = Between(r.display, ": ", " connected app is ");
    if (!owner || !app || owner->empty() || app->empty()) return std::nullopt;
    bool enabled = r.display.ends_with(" is enabled");
    if (!enabled && !r.display.ends_with(" is disabled")) return std::nullopt;
    EventJson e = Start("app.access", r);
    e.Str("app", *app).Str(holder, *owner).Bool("enabled", enabled);
    JsonFields before;
    before.Str("app", *app).Str(holder, *owner).Bool("enabled", !enabled);
    return Done(std::move(e), PriorStates::Prior{"app.access", before.Done()});
  }

  // "Permission set [group] <P>[ with expiration]: (un)assigned ... user <N> (UserID: [id])"
  std::optional<Mapped> Assignment(const AuditRecord& r, bool assign) const {
    Text verb = assign ? ": assigned to user " : ": unassigned from user ";
    Text prefix = StartsWithNoCase(r.display, "Permission set group ") ? "Permission set group "
                                                                       : "Permission set ";
    std::optional<Text> set = Between(r.display, prefix, verb);
    std::optional<Text> name = Between(r.display, verb, " (UserID:");
    if (!set || set->empty()) return std::nullopt;
    Text s = *set;
    if (s.ends_with(" with expiration")) s.remove_suffix(16);
    Text user = UserOf(r.display, name.value_or(""));
    if (user.empty()) return std::nullopt;
    EventJson e = Start(assign ? "permset.assign" : "permset.unassign", r);
    e.Str("permset", s).Str("user", user);
    if (assign) {
      if (std::optional<Text> when = Between(r.display, ", expiring on ", "")) {
        std::optional<std::string> at = DisplayDate(*when);
        if (!at) return std::nullopt;
        e.Str("expires_at", *at);
      }
    }
    // Before an assignment the user did not hold the set; before an
    // unassignment they did, until then (any expiry was still ahead).
    PriorStates::Prior before{assign ? "permset.unassign" : "permset.assign",
                              JsonFields().Str("permset", s).Str("user", user).Done()};
    return Done(std::move(e), std::move(before));
  }

  // Re-assigning a set the user holds replaces its expiry (events.md).
  std::optional<Mapped> ExpirationChange(const AuditRecord& r) const {
    std::optional<Text> set = Between(r.display, "Permission set ", ":");
    std::optional<Text> to = NewValue(r.display);
    Text user = UserOf(r.display, "");
    if (!set || set->empty() || !to || user.empty()) return std::nullopt;
    Text s = *set;
    if (s.ends_with(" with expiration")) s.remove_suffix(16);
    std::optional<std::string> at = DisplayDate(*to);
    if (!at) return std::nullopt;
    EventJson e = Start("permset.assign", r);
    e.Str("permset", s).Str("user", user).Str("expires_at", *at);
    std::optional<PriorStates::Prior> prior;
    std::optional<Text> from = OldValue(r.display, r.display.rfind(" changed from "));
    if (std::optional<std::string> old = from ? DisplayDate(*from) : std::nullopt) {
      prior = {"permset.assign",
               JsonFields().Str("permset", s).Str("user", user).Str("expires_at", *old).Done()};
    }
    return Done(std::move(e), std::move(prior));
  }

  std::optional<Mapped> Permission(const AuditRecord& r, Text prefix, Text label_start,
                                   Text label_end, Text holder) const {
    std::optional<Text> owner = Between(r.display, prefix, ": ");
    std::optional<Text> label = Between(r.display, label_start, label_end);
    std::optional<Text> to = NewValue(r.display);
    if (!owner || !label || owner->empty() || label->empty() || !to) return std::nullopt;
    if (*to != "enabled" && *to != "disabled") return std::nullopt;
    std::string kind = std::string(holder) + ".permission";
    std::string permission = PermissionName(*label);
    EventJson e = Start(kind, r);
    e.Str(holder, *owner).Str("permission", permission).Bool("enabled", *to == "enabled");
    std::optional<PriorStates::Prior> prior;
    std::optional<Text> from = OldValue(r.display, r.display.find(label_end));
    if (from && (*from == "enabled" || *from == "disabled")) {
      prior = {kind, JsonFields()
                         .Str(holder, *owner)
                         .Str("permission", permission)
                         .Bool("enabled", *from == "enabled")
                         .Done()};
    }
    return Done(std::move(e), std::move(prior));
  }

  std::optional<Mapped> ProfileOfUser(const AuditRecord& r) const {
    std::optional<Text> name = Between(r.display, "Changed profile for user ", " from ");
    std::optional<Text> profile = NewValue(r.display);
    if (!name || name->empty() || !profile || profile->empty()) return std::nullopt;
    Text user = UserOf(r.display, *name);
    EventJson e = Start("user.upsert", r);
    e.Str("user", user).Str("profile", *profile);
    std::optional<PriorStates::Prior> prior;
    std::optional<Text> from = OldValue(r.display);
    if (from && !from->empty()) {
      prior = {"user.upsert", JsonFields().Str("user", user).Str("profile", *from).Done()};
    }
    return Done(std::move(e), std::move(prior));
  }

  std::optional<Mapped> Activation(const AuditRecord& r, Text prefix, bool active) const {
    std::optional<Text> name = Between(r.display, prefix, " (UserID:");
    if (!name) name = Between(r.display, prefix, "");
    Text user = UserOf(r.display, name.value_or(""));
    if (user.empty()) return std::nullopt;
    EventJson e = Start("user.upsert", r);
    e.Str("user", user).Bool("active", active);
    PriorStates::Prior before{"user.upsert",
                              JsonFields().Str("user", user).Bool("active", !active).Done()};
    return Done(std::move(e), std::move(before));
  }

  AdapterOptions options_;
  PriorStates priors_;
  JsonlParser parser_;  // reads back the events Note() inspects
};

}  // namespace

std::unique_ptr<Adapter> MakeSetupAuditTrailAdapter(const AdapterOptions& options) {
  return std::make_unique<SetupAuditTrailAdapter>(options);
}

}  // namespace authtrail::ingest::adapter_internal
