// See generator.h. The history of each org is written in three parts: its
// set-up (org, profiles, permission sets, apps, users), milestones that switch
// settings on over time, and the bulk of access events in time order.
#include "tools/generator.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/sfid.h"
#include "common/time.h"
#include "schemas/canonical.h"

namespace authtrail::tools {
namespace {

constexpr MicrosUtc kSecond = 1'000'000;
constexpr MicrosUtc kDay = 86'400 * kSecond;

MicrosUtc At(int y, unsigned m, unsigned d, int hour = 0) {
  return (DaysFromCivil(y, m, d) * 86'400 + hour * 3600) * kSecond;
}

// splitmix64: small, fast, and the same on every platform (std:: distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) / 9007199254740992.0 < p; }

 private:
  uint64_t s_;
};

std::string Id15(const char* prefix, uint64_t n) {
  static constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string s = prefix;
  std::string digits;
  for (int i = 0; i < 15 - static_cast<int>(s.size()); ++i, n /= 62) digits += kAlnum[n % 62];
  std::reverse(digits.begin(), digits.end());
  return s + digits;
}

// One JSONL line under construction.
class Line {
 public:
  Line(MicrosUtc ts, const std::string& org, std::string_view kind) {
    s_ = "{\"ts\":\"" + FormatOutput(ts) + "\",\"org\":\"" + org + "\",\"kind\":\"" +
         std::string(kind) + "\"";
  }
  Line& Str(const char* key, std::string_view v) {
    s_ += ",\"";
    s_ += key;
    s_ += "\":";
    AppendJsonString(v, &s_);
    return *this;
  }
  Line& Bool(const char* key, bool v) {
    s_ += ",\"" + std::string(key) + "\":" + (v ? "true" : "false");
    return *this;
  }
  Line& Time(const char* key, MicrosUtc t) { return Str(key, FormatOutput(t)); }
  std::string Done() { return s_ + "}\n"; }

 private:
  std::string s_;
};

enum class AppRole { kMobile, kOutlook, kDataloaderIo, kReportPal, kCli, kInternal, kThirdParty };

struct App {
  std::string key, name;
  AppRole role;
  bool installed;
};

struct User {
  std::string id;
  UserType type;
  int profile;  // index into kProfiles
  bool use_any = false, approve = false, dataloader_io = false;
  MicrosUtc dataloader_from = 0;  // start of the week of Dataloader.io access
};

// Profiles: name, API Enabled.
struct ProfileDef {
  const char* name;
  bool api_enabled;
};
constexpr ProfileDef kProfiles[] = {{"Standard User", true},
                                    {"Sales", false},
                                    {"System Administrator", true},
                                    {"Integration", true},
                                    {"Customer Community", false}};

class OrgHistory {
 public:
  OrgHistory(uint32_t index, uint32_t users, uint64_t events, Rng* rng, std::ostream* out)
      : index_(index), n_users_(users), n_events_(events), rng_(*rng), out_(*out) {
    org_ = Id15("00D5g0000", 1000 + index);
  }
  uint64_t Write() {
    Setup();
    Milestones();
    if (index_ == 0) Incidents();
    Bulk();
    return lines_;
  }

 private:
  void Emit(std::string s) {
    out_ << s;
    ++lines_;
  }
  std::string Profile(int i) const { return Id15("00e5g0000", index_ * 10 + i); }
  std::string Permset(const char* what) const {
    return Id15("0PS5g0000", index_ * 10 + std::string_view(what).size());
  }
  std::string NextId() { return Id15("0Ya5g", (uint64_t{index_} << 32) + ++id_counter_); }

  void Setup();
  void SetupApps();
  void SetupUsers();
  void Milestones();
  void Incidents();
  void Bulk();
  void Access(MicrosUtc ts, const User& u);
  void UseApp(MicrosUtc ts, const User& u, const App& a);
  // What the export recorded: the platform's answer, flipped with probability `noise`.
  std::string Outcome(bool platform_allows, double noise);
  bool PlatformAllows(MicrosUtc ts, const User& u, const App& a) const;

  uint32_t index_, n_users_;
  uint64_t n_events_;
  Rng& rng_;
  std::ostream& out_;
  std::string org_;
  Edition edition_ = Edition::enterprise;
  MicrosUtc created_ = 0, t3_ = 0;
  MicrosUtc pref_from_ = INT64_MAX;  // admin-approved preference on from
  bool enforcing_ = true;
  bool org_api_ = true;  // the org has API access (else only allowlisted apps work)
  std::vector<App> apps_;
  std::vector<User> users_;
  std::vector<std::vector<bool>> authorized_;  // [user][app]
  uint64_t lines_ = 0, id_counter_ = 0;
};

void OrgHistory::Setup() {
  static constexpr Edition kEditions[] = {
      Edition::enterprise, Edition::unlimited, Edition::professional, Edition::contact_manager,
      Edition::developer,  Edition::group,     Edition::enterprise};
  edition_ = index_ == 0 ? Edition::enterprise : kEditions[rng_.Below(std::size(kEditions))];
  created_ = At(2013, 1, 15) + static_cast<MicrosUtc>(rng_.Below(3 * 365)) * kDay;
  enforcing_ = edition_ == Edition::enterprise || edition_ == Edition::unlimited ||
               edition_ == Edition::developer;
  Emit(Line(created_, org_, "org.created").Str("edition", fb::EnumNameEdition(edition_)).Done());
  org_api_ = enforcing_ || edition_ == Edition::performance;
  if (edition_ == Edition::professional && rng_.Chance(0.5)) {
    org_api_ = true;
    Emit(Line(created_ + kSecond, org_, "org.setting")
             .Str("setting", "api_feature")
             .Bool("enabled", true)
             .Done());
  }
  for (int p = 0; p < static_cast<int>(std::size(kProfiles)); ++p) {
    Emit(Line(created_ + 2 * kSecond, org_, "profile.permission")
             .Str("profile", Profile(p))
             .Str("permission", "api_enabled")
             .Bool("enabled", kProfiles[p].api_enabled)
             .Done());
  }
  const std::pair<const char*, const char*> sets[] = {
      {"UseAny", "use_any_api_client"},
      {"ApproveUninstalled", "approve_uninstalled_connected_apps"}};
  for (auto [set, perm] : sets) {
    Emit(Line(created_ + 3 * kSecond, org_, "permset.permission")
             .Str("permset", Permset(set))
             .Str("permission", perm)
             .Bool("enabled", true)
             .Done());
  }
  SetupApps();
  SetupUsers();
}

void OrgHistory::SetupApps() {
  apps_ = {{"SfdcMobileiOS", "Salesforce for iOS", AppRole::kMobile, true},
           {"SfdcOutlook", "Salesforce for Outlook", AppRole::kOutlook, true},
           {"3MVG9DataloaderIo", "Dataloader.io", AppRole::kDataloaderIo, true},
           {"3MVG9ReportPal", "ReportPal", AppRole::kReportPal, false},
           {"PlatformCLI", "Salesforce CLI", AppRole::kCli, false},
           {"3MVG9OrgSync" + std::to_string(index_), "Internal Sync", AppRole::kInternal, true}};
  for (int i = 0; i < 12; ++i) {
    apps_.push_back({"3MVG9Partner" + std::to_string(i), "Partner App " + std::to_string(i),
                     AppRole::kThirdParty, rng_.Chance(0.4)});
  }
  MicrosUtc t = created_ + 4 * kSecond;
  for (const App& a : apps_) {
    Line l(t, org_, "app.upsert");
    l.Str("app", a.key).Str("name", a.name);
    if (a.role == AppRole::kMobile || a.role == AppRole::kOutlook) l.Bool("allowlisted", true);
    if (a.role == AppRole::kCli) l.Bool("salesforce_cli_default", true);
    if (a.role == AppRole::kInternal) l.Bool("org_managed", true);
    Emit(l.Done());
    if (a.installed && a.role != AppRole::kInternal) {
      Emit(Line(t + kSecond, org_, "app.install").Str("app", a.key).Str("via", "package").Done());
    }
  }
  // Dataloader.io is admin-approved, pre-authorized through a permission set.
  Emit(Line(t + 2 * kSecond, org_, "app.policy")
           .Str("app", "3MVG9DataloaderIo")
           .Str("permitted_users", "admin_approved")
           .Str("policy_source", "ui")
           .Done());
  Emit(Line(t + 2 * kSecond, org_, "app.access")
           .Str("app", "3MVG9DataloaderIo")
           .Str("permset", Permset("AllowDataloaderIo"))
           .Bool("enabled", true)
           .Done());
}

void OrgHistory::SetupUsers() {
  static constexpr std::pair<UserType, int> kMix[] = {{UserType::internal, 0},
                                                      {UserType::internal, 0},
                                                      {UserType::internal, 0},
                                                      {UserType::internal, 1},
                                                      {UserType::internal, 1},
                                                      {UserType::internal, 2},
                                                      {UserType::customer_partner, 4},
                                                      {UserType::chatter_external, 4},
                                                      {UserType::chatter_free, 1},
                                                      {UserType::chatter_only, 1},
                                                      {UserType::integration_api_only, 3},
                                                      {UserType::platform_integration_user, 3}};
  for (uint32_t i = 0; i < n_users_; ++i) {
    auto [type, profile] = kMix[i < std::size(kMix) ? i : rng_.Below(std::size(kMix))];
    User u{Id15("0055g0000", index_ * 100000 + i), type, profile};
    u.use_any = type == UserType::integration_api_only || rng_.Chance(0.05);
    u.approve = profile == 2;
    u.dataloader_io = type == UserType::internal && rng_.Chance(0.2);
    MicrosUtc t = created_ + (10 + i) * kSecond;
    Emit(Line(t, org_, "user.upsert")
             .Str("user", u.id)
             .Str("username",
                  "user" + std::to_string(i) + "@org" + std::to_string(index_) + ".example.com")
             .Str("user_type", fb::EnumNameUserType(type))
             .Str("profile", Profile(profile))
             .Bool("active", true)
             .Done());
    if (u.use_any) {
      Emit(Line(t, org_, "permset.assign")
               .Str("permset", Permset("UseAny"))
               .Str("user", u.id)
               .Done());
    }
    if (u.approve) {
      Emit(Line(At(2025, 9, 10), org_, "permset.assign")
               .Str("permset", Permset("ApproveUninstalled"))
               .Str("user", u.id)
               .Done());
    }
    users_.push_back(u);
  }
  authorized_.assign(users_.size(), std::vector<bool>(apps_.size(), false));
}

void OrgHistory::Milestones() {
  // API Access Control for about half of the orgs (always org 0), then the
  // admin-approved preference; the Sept 2025 change is known for some orgs.
  if (index_ == 0 || rng_.Chance(0.5)) {
    MicrosUtc aac = index_ == 0 ? At(2021, 3, 1) : At(2019 + static_cast<int>(rng_.Below(5)), 6, 1);
    Emit(Line(aac, org_, "org.setting")
             .Str("setting", "api_access_control")
             .Bool("enabled", true)
             .Done());
    // Org 0's admins limit API access to allowlisted apps after the vishing wave.
    MicrosUtc pref = index_ == 0 ? At(2025, 10, 1) : aac + 180 * kDay;
    pref_from_ = pref;
    Emit(Line(pref, org_, "org.setting")
             .Str("setting", "admin_approved_apps_only")
             .Bool("enabled", true)
             .Str("actor", users_[5 % users_.size()].id)
             .Done());
    Emit(Line(pref, org_, "org.setting")
             .Str("setting", "visualforce_api_access")
             .Bool("enabled", rng_.Chance(0.5))
             .Done());
  }
  if (index_ % 2 == 0) {
    t3_ = At(2025, 9, 2) + static_cast<MicrosUtc>(rng_.Below(15)) * kDay;
    Emit(Line(t3_, org_, "org.enforcement").Str("change", "sep2025").Time("at", t3_).Done());
    Emit(Line(At(2025, 12, 9), org_, "org.enforcement")
             .Str("change", "dec2025")
             .Time("at", At(2025, 12, 9))
             .Done());
  } else {
    t3_ = At(2025, 9, 17);
  }
  // Time-limited Dataloader.io access (S003): a week at a time.
  for (size_t i = 0; i < users_.size(); ++i) {
    if (!users_[i].dataloader_io) continue;
    MicrosUtc from = At(2022, 1, 1) + static_cast<MicrosUtc>(rng_.Below(3 * 365)) * kDay;
    users_[i].dataloader_from = from;
    Emit(Line(from, org_, "permset.assign")
             .Str("permset", Permset("AllowDataloaderIo"))
             .Str("user", users_[i].id)
             .Time("expires_at", from + 7 * kDay)
             .Done());
  }
}

// Org 0: the vishing campaign against a fake "Data Loader", and an
// integration user that relies on Use Any API Client across Dec 2025.
void OrgHistory::Incidents() {
  const std::string fake = "3MVG9DataL0ader";
  Emit(
      Line(At(2025, 6, 10), org_, "app.upsert").Str("app", fake).Str("name", "Data Loader").Done());
  // Victims: standard internal users. The first three approve the fake app by
  // device flow in June; after the Sept 2025 change the attacker switches to a
  // web-server phishing link and three others approve it.
  std::vector<const User*> victims;
  for (const User& u : users_) {
    if (u.type == UserType::internal && u.profile == 0) victims.push_back(&u);
  }
  for (size_t v = 0; v < victims.size() && v < 6; ++v) {
    const User& u = *victims[v];
    bool device = v < 3;
    MicrosUtc t = device ? At(2025, 6, 12 + static_cast<unsigned>(v), 14)
                         : At(2025, 9, 20 + static_cast<unsigned>(v), 10);
    Emit(Line(t, org_, "oauth.authorize")
             .Str("user", u.id)
             .Str("app", fake)
             .Str("flow", device ? "device" : "web_server")
             .Str("outcome", "success")
             .Str("source", "LoginHistory")
             .Str("id", NextId())
             .Done());
    Emit(Line(t + 600 * kSecond, org_, "api.call")
             .Str("user", u.id)
             .Str("app", fake)
             .Str("api_family", "bulk")
             .Str("outcome", "success")
             .Str("id", NextId())
             .Done());
  }
  for (const User& u : users_) {
    if (u.type != UserType::integration_api_only) continue;
    const std::string app = "3MVG9ReportPal";
    Emit(Line(At(2025, 10, 15, 9), org_, "oauth.authorize")
             .Str("user", u.id)
             .Str("app", app)
             .Str("flow", "web_server")
             .Str("outcome", "success")
             .Str("id", NextId())
             .Done());
    for (int d = 0; d < 90; d += 7) {
      Emit(Line(At(2025, 10, 16, 9) + d * kDay, org_, "oauth.token")
               .Str("user", u.id)
               .Str("app", app)
               .Str("grant", "refresh_token")
               .Str("outcome", "success")
               .Str("id", NextId())
               .Done());
    }
    Emit(Line(At(2025, 12, 20, 9), org_, "oauth.authorize")
             .Str("user", u.id)
             .Str("app", app)
             .Str("flow", "web_server")
             .Str("outcome", "failure")
             .Str("status", "OAUTH_APPROVAL_ERROR_GENERIC")
             .Str("id", NextId())
             .Done());
    break;
  }
}

std::string OrgHistory::Outcome(bool platform_allows, double noise) {
  if (rng_.Chance(noise)) platform_allows = !platform_allows;  // exports are not perfect
  return platform_allows ? "success" : "failure";
}

// A rough model of what the platform did, so that recorded outcomes mostly
// agree with the rules (the replay finds the rest).
bool OrgHistory::PlatformAllows(MicrosUtc ts, const User& u, const App& a) const {
  bool mobile = a.role == AppRole::kMobile || a.role == AppRole::kOutlook;
  bool api_enabled = kProfiles[u.profile].api_enabled;
  if (!api_enabled && !(mobile && (!enforcing_ || ts < At(2014, 9, 10, 7)))) return false;
  bool uninstalled = !a.installed && a.role != AppRole::kInternal;
  if (uninstalled && ts >= pref_from_ && !u.use_any) return false;
  return !(uninstalled && ts >= t3_ && !u.approve && !u.use_any);
}

void OrgHistory::UseApp(MicrosUtc ts, const User& u, const App& a) {
  size_t ui = &u - users_.data(), ai = &a - apps_.data();
  bool mobile = a.role == AppRole::kMobile || a.role == AppRole::kOutlook;
  bool allows = PlatformAllows(ts, u, a);
  if (!authorized_[ui][ai]) {
    bool device = a.role == AppRole::kCli && rng_.Chance(0.5);
    if (device && !a.installed && ts >= t3_) allows = false;
    Emit(Line(ts, org_, "oauth.authorize")
             .Str("user", u.id)
             .Str("app", a.key)
             .Str("flow", device   ? "device"
                          : mobile ? "user_agent"
                                   : "web_server")
             .Str("outcome", Outcome(allows, 0.0))
             .Str("source", "LoginHistory")
             .Str("id", NextId())
             .Done());
    authorized_[ui][ai] = allows;
    return;
  }
  if (rng_.Chance(0.15)) {
    Emit(Line(ts, org_, "oauth.token")
             .Str("user", u.id)
             .Str("app", a.key)
             .Str("grant", "refresh_token")
             .Str("outcome", Outcome(allows, 0.01))
             .Str("id", NextId())
             .Done());
    return;
  }
  static constexpr const char* kFamilies[] = {"rest_data", "soap_data", "bulk", "metadata"};
  Emit(Line(ts, org_, "api.call")
           .Str("user", u.id)
           .Str("app", a.key)
           .Str("api_family", kFamilies[rng_.Below(4)])
           .Str("outcome", Outcome(allows, 0.01))
           .Str("source", "EventLogFile")
           .Str("id", NextId())
           .Done());
}

void OrgHistory::Access(MicrosUtc ts, const User& u) {
  bool external = u.type == UserType::customer_partner || u.type == UserType::chatter_external ||
                  u.type == UserType::chatter_free || u.type == UserType::chatter_only;
  uint64_t roll = rng_.Below(100);
  if (u.type == UserType::integration_api_only && roll < 40) {
    Emit(Line(ts, org_, "soap.login")
             .Str("user", u.id)
             .Str("outcome", "success")
             .Str("id", NextId())
             .Done());
    return;
  }
  if (roll < 30 || (external && roll < 80)) {
    Emit(Line(ts, org_, "login.ui")
             .Str("user", u.id)
             .Str("outcome", "success")
             .Str("source", "LoginHistory")
             .Str("id", NextId())
             .Done());
    return;
  }
  size_t pick = org_api_ ? rng_.Below(100) : rng_.Below(50);  // no org API: allowlisted apps only
  bool dataloader_week =
      u.dataloader_io && ts >= u.dataloader_from && ts < u.dataloader_from + 7 * kDay;
  const App* a = &apps_[0];
  if (pick < 35)
    a = &apps_[0];
  else if (pick < 50)
    a = &apps_[1];
  else if (pick < 60 && dataloader_week)
    a = &apps_[2];
  else if (pick < 70)
    a = &apps_[5];
  else if (pick < 75)
    a = &apps_[4];
  else
    a = &apps_[6 + rng_.Below(apps_.size() - 6)];
  UseApp(ts, u, *a);
}

void OrgHistory::Bulk() {
  MicrosUtc start = std::max(created_ + kDay, At(2013, 6, 1));
  MicrosUtc end = At(2026, 6, 30);
  if (n_events_ == 0 || users_.empty()) return;
  double gap = static_cast<double>(end - start) / static_cast<double>(n_events_);
  double t = static_cast<double>(start);
  for (uint64_t i = 0; i < n_events_; ++i) {
    t += gap * (0.5 + static_cast<double>(rng_.Below(1000)) / 1000.0);
    // A few heavy users do most of the work, as in real orgs.
    size_t u = rng_.Chance(0.5) ? rng_.Below(std::min<size_t>(users_.size(), 10))
                                : rng_.Below(users_.size());
    Access(static_cast<MicrosUtc>(t), users_[u]);
  }
}

}  // namespace

uint64_t Generate(const GenOptions& o, std::ostream& out) {
  Rng rng(o.seed);
  uint64_t lines = 0;
  uint32_t orgs = std::max<uint32_t>(o.orgs, 1);
  for (uint32_t i = 0; i < orgs; ++i) {
    // Org 0 is the large one: half the users and 60 % of the events.
    uint32_t users = orgs == 1 ? o.users : i == 0 ? o.users / 2 : o.users / 2 / (orgs - 1);
    uint64_t events = orgs == 1 ? o.events
                      : i == 0  ? o.events * 6 / 10
                                : o.events * 4 / 10 / (orgs - 1);
    OrgHistory h(i, std::max<uint32_t>(users, 12), events, &rng, &out);
    lines += h.Write();
  }
  return lines;
}

}  // namespace authtrail::tools
