// OrgState <-> FlatBuffers snapshot bytes (schemas/snapshot.fbs).
#include <algorithm>

#include "replay/state.h"
#include "schemas/snapshot_generated.h"

namespace authtrail::replay {

namespace sfb = fbs_snapshot;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

namespace {

constexpr uint32_t kSnapshotFormat = 1;

// FNV-1a, enough to tell two fold inputs apart (not a security boundary:
// the snapshot only saves time; a wrong one is caught by the equivalence tests).
class Fnv {
 public:
  void Add(uint64_t v) {
    for (int i = 0; i < 8; ++i, v >>= 8) h_ = (h_ ^ (v & 0xff)) * 1099511628211ull;
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 1469598103934665603ull;
};

template <typename T>
std::vector<std::pair<std::string, const T*>> Sorted(const std::unordered_map<std::string, T>& m) {
  std::vector<std::pair<std::string, const T*>> v;
  for (const auto& [k, val] : m) v.push_back({k, &val});
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return v;
}

}  // namespace

uint64_t SnapshotFingerprint(const OrgConstants& k, const Readings& r) {
  Fnv h;
  h.Add(kSnapshotFormat);
  for (const auto& t : {k.created_at, k.t3_known, k.t4_known})
    h.Add(t ? static_cast<uint64_t>(*t) : ~0ull);
  for (const std::string& line : DescribeReadings(r)) {
    for (char c : line) h.Add(static_cast<uint8_t>(c));
  }
  return h.value();
}

struct OrgState::SnapshotCodec {
  // ---- encode ----
  static Offset<sfb::Holder> Holder(FlatBufferBuilder& b, const std::string& id, const Grants& g) {
    std::vector<Offset<sfb::Permission>> perms;
    for (const auto& [name, grant] : Sorted(g)) {
      perms.push_back(sfb::CreatePermission(b, b.CreateString(name), grant->enabled, grant->seq));
    }
    return sfb::CreateHolder(b, b.CreateString(id), b.CreateVector(perms));
  }

  static Offset<sfb::User> User(FlatBufferBuilder& b, const std::string& id,
                                const OrgState::User& u) {
    std::vector<Offset<sfb::Assignment>> as;
    for (const auto& [permset, a] : u.assignments) {
      auto name = b.CreateString(permset);
      as.push_back(sfb::CreateAssignment(b, name, a.assigned_at, a.expires_at, a.seq));
    }
    std::vector<std::string> tl(u.time_limited.begin(), u.time_limited.end());
    std::sort(tl.begin(), tl.end());
    auto type = u.type ? std::optional<uint8_t>(static_cast<uint8_t>(*u.type)) : std::nullopt;
    return sfb::CreateUser(b, b.CreateString(id), type, u.profile ? b.CreateString(*u.profile) : 0,
                           u.type_seq, u.profile_seq, b.CreateVector(as),
                           b.CreateVectorOfStrings(tl));
  }

  static Offset<flatbuffers::Vector<Offset<sfb::Access>>> Accesses(
      FlatBufferBuilder& b, const std::map<std::string, uint64_t>& m) {
    std::vector<Offset<sfb::Access>> v;
    for (const auto& [id, seq] : m) v.push_back(sfb::CreateAccess(b, b.CreateString(id), seq));
    return b.CreateVector(v);
  }

  static Offset<sfb::App> App(FlatBufferBuilder& b, const std::string& id, const OrgState::App& a) {
    auto profiles = Accesses(b, a.access_profiles), permsets = Accesses(b, a.access_permsets);
    return sfb::CreateApp(b, b.CreateString(id), a.allowlisted, a.org_managed, a.cli_default,
                          a.installed, a.blocked, static_cast<uint8_t>(a.policy),
                          a.policy_from_api_field, a.declared_seq, a.install_seq, a.block_seq,
                          a.policy_seq, profiles, permsets);
  }

  static std::optional<uint8_t> CauseByte(std::optional<RevokeCauseEx> c) {
    return c ? std::optional<uint8_t>(static_cast<uint8_t>(*c)) : std::nullopt;
  }

  static Offset<flatbuffers::Vector<Offset<sfb::Revocation>>> Revocations(
      FlatBufferBuilder& b, const std::vector<Revocation>& rs) {
    std::vector<Offset<sfb::Revocation>> v;
    for (const Revocation& r : rs)
      v.push_back(sfb::CreateRevocation(b, r.at, CauseByte(r.cause), r.seq));
    return b.CreateVector(v);
  }

  static Offset<sfb::Pair> PairOf(FlatBufferBuilder& b, const PairKey& k, const Pair& p) {
    std::vector<Offset<sfb::Approval>> as;
    for (const Approval& a : p.approvals) {
      auto flow = a.flow ? std::optional<uint8_t>(static_cast<uint8_t>(*a.flow)) : std::nullopt;
      as.push_back(sfb::CreateApproval(b, a.granted_at, flow, a.device, a.password, a.revoked_at,
                                       CauseByte(a.cause), a.seq, a.revoked_seq));
    }
    auto user = b.CreateString(k.first), app = b.CreateString(k.second);
    auto approvals = b.CreateVector(as);
    return sfb::CreatePair(b, user, app, approvals, Revocations(b, p.revocations));
  }

  static std::string Encode(const OrgState& s, uint64_t fingerprint, MicrosUtc before) {
    FlatBufferBuilder b(4096);
    std::vector<Offset<sfb::Setting>> settings;
    for (const auto& [k, v] : s.settings_) {
      settings.push_back(sfb::CreateSetting(b, static_cast<uint8_t>(k), v.first, v.second));
    }
    std::vector<Offset<sfb::User>> users;
    for (const auto& [id, u] : Sorted(s.users_)) users.push_back(User(b, id, *u));
    std::vector<Offset<sfb::Holder>> profiles, permsets;
    for (const auto& [id, g] : Sorted(s.profiles_)) profiles.push_back(Holder(b, id, *g));
    for (const auto& [id, g] : Sorted(s.permsets_)) permsets.push_back(Holder(b, id, *g));
    std::vector<Offset<sfb::App>> apps;
    for (const auto& [id, a] : Sorted(s.apps_)) apps.push_back(App(b, id, *a));
    std::vector<std::pair<PairKey, const Pair*>> pairs;
    for (const auto& [k, p] : s.pairs_) pairs.push_back({k, &p});
    std::sort(pairs.begin(), pairs.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<Offset<sfb::Pair>> pair_offsets;
    for (const auto& [k, p] : pairs) pair_offsets.push_back(PairOf(b, k, *p));
    std::vector<Offset<sfb::AppRevocations>> app_revs;
    for (const auto& [app, revs] : Sorted(s.app_revocations_)) {
      auto name = b.CreateString(app);
      app_revs.push_back(sfb::CreateAppRevocations(b, name, Revocations(b, *revs)));
    }
    auto edition =
        s.edition_ ? std::optional<uint8_t>(static_cast<uint8_t>(*s.edition_)) : std::nullopt;
    auto root = sfb::CreateOrgSnapshot(b, kSnapshotFormat, fingerprint, before, s.first_event_ts_,
                                       edition, s.edition_seq_, b.CreateVector(settings),
                                       b.CreateVector(users), b.CreateVector(profiles),
                                       b.CreateVector(permsets), b.CreateVector(apps),
                                       b.CreateVector(pair_offsets), b.CreateVector(app_revs));
    sfb::FinishOrgSnapshotBuffer(b, root);
    return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
  }

  // ---- decode ----
  static std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

  template <typename T, typename F>
  static void Each(const flatbuffers::Vector<Offset<T>>* v, F f) {
    if (v == nullptr) return;
    for (const T* x : *v) f(*x);
  }

  static std::vector<Revocation> DecodeRevocations(
      const flatbuffers::Vector<Offset<sfb::Revocation>>* v) {
    std::vector<Revocation> out;
    Each(v, [&](const sfb::Revocation& r) {
      auto cause = r.cause() ? std::optional<RevokeCauseEx>(static_cast<RevokeCauseEx>(*r.cause()))
                             : std::nullopt;
      out.push_back({r.at(), cause, r.seq()});
    });
    return out;
  }

  static void DecodeUsers(const sfb::OrgSnapshot& root, OrgState* s) {
    if (root.users()) s->users_.reserve(root.users()->size());  // no rehash while filling
    Each(root.users(), [&](const sfb::User& u) {
      OrgState::User& dst = s->users_[Str(u.id())];
      if (u.type()) dst.type = static_cast<UserType>(*u.type());
      if (u.profile()) dst.profile = u.profile()->str();
      dst.type_seq = u.type_seq();
      dst.profile_seq = u.profile_seq();
      Each(u.assignments(), [&](const sfb::Assignment& a) {
        dst.assignments[Str(a.permset())] = {a.assigned_at(), a.expires_at(), a.seq()};
      });
      if (u.time_limited()) {
        for (const auto* p : *u.time_limited()) dst.time_limited.insert(p->str());
      }
    });
  }

  static void DecodeHolders(const flatbuffers::Vector<Offset<sfb::Holder>>* v,
                            std::unordered_map<std::string, Grants>* out) {
    Each(v, [&](const sfb::Holder& h) {
      Grants& g = (*out)[Str(h.id())];
      Each(h.permissions(), [&](const sfb::Permission& p) {
        g[Str(p.name())] = {p.enabled(), p.seq()};
      });
    });
  }

  static void DecodeApps(const sfb::OrgSnapshot& root, OrgState* s) {
    Each(root.apps(), [&](const sfb::App& a) {
      OrgState::App& dst = s->apps_[Str(a.id())];
      dst.allowlisted = a.allowlisted(), dst.org_managed = a.org_managed();
      dst.cli_default = a.cli_default(), dst.installed = a.installed(), dst.blocked = a.blocked();
      dst.policy = static_cast<PermittedUsers>(a.policy());
      dst.policy_from_api_field = a.policy_from_api_field();
      dst.declared_seq = a.declared_seq(), dst.install_seq = a.install_seq();
      dst.block_seq = a.block_seq(), dst.policy_seq = a.policy_seq();
      Each(a.access_profiles(),
           [&](const sfb::Access& x) { dst.access_profiles[Str(x.id())] = x.seq(); });
      Each(a.access_permsets(),
           [&](const sfb::Access& x) { dst.access_permsets[Str(x.id())] = x.seq(); });
    });
  }

  static void DecodePairs(const sfb::OrgSnapshot& root, OrgState* s) {
    if (root.pairs()) s->pairs_.reserve(root.pairs()->size());  // the largest map of a state
    Each(root.pairs(), [&](const sfb::Pair& p) {
      Pair& dst = s->pairs_[{Str(p.user()), Str(p.app())}];
      if (p.approvals()) dst.approvals.reserve(p.approvals()->size());
      Each(p.approvals(), [&](const sfb::Approval& a) {
        Approval x;
        x.granted_at = a.granted_at();
        if (a.flow()) x.flow = static_cast<Flow>(*a.flow());
        x.device = a.device(), x.password = a.password();
        if (a.revoked_at()) x.revoked_at = *a.revoked_at();
        if (a.cause()) x.cause = static_cast<RevokeCauseEx>(*a.cause());
        x.seq = a.seq(), x.revoked_seq = a.revoked_seq();
        dst.approvals.push_back(x);
      });
      dst.revocations = DecodeRevocations(p.revocations());
    });
    Each(root.app_revocations(), [&](const sfb::AppRevocations& r) {
      s->app_revocations_[Str(r.app())] = DecodeRevocations(r.revocations());
    });
  }

  // Enum bytes must be in range: the verifier checks structure, not meaning.
  static bool EnumsInRange(const sfb::OrgSnapshot& root) {
    bool ok = !root.edition() || *root.edition() <= static_cast<uint8_t>(Edition::MAX);
    Each(root.settings(), [&](const sfb::Setting& x) {
      ok = ok && x.setting() <= static_cast<uint8_t>(Setting::MAX);
    });
    Each(root.users(), [&](const sfb::User& u) {
      ok = ok && (!u.type() || *u.type() <= static_cast<uint8_t>(UserType::MAX));
    });
    Each(root.apps(), [&](const sfb::App& a) {
      ok = ok && a.policy() <= static_cast<uint8_t>(PermittedUsers::MAX);
    });
    auto cause_ok = [&](std::optional<uint8_t> c) {
      return !c || *c <= static_cast<uint8_t>(RevokeCauseEx::kPackageUninstall);
    };
    Each(root.pairs(), [&](const sfb::Pair& p) {
      Each(p.approvals(), [&](const sfb::Approval& a) {
        ok = ok && cause_ok(a.cause()) &&
             (!a.flow() || *a.flow() <= static_cast<uint8_t>(Flow::MAX));
      });
      Each(p.revocations(), [&](const sfb::Revocation& r) { ok = ok && cause_ok(r.cause()); });
    });
    return ok;
  }
};

std::string OrgState::Snapshot(uint64_t fingerprint, MicrosUtc before) const {
  return SnapshotCodec::Encode(*this, fingerprint, before);
}

Result<OrgState> OrgState::FromSnapshot(std::string_view bytes, OrgConstants constants,
                                        uint64_t fingerprint, MicrosUtc* before) {
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!sfb::VerifyOrgSnapshotBuffer(v)) return Status::Corruption("snapshot fails verification");
  const sfb::OrgSnapshot& root = *sfb::GetOrgSnapshot(bytes.data());
  if (root.format() != kSnapshotFormat || !SnapshotCodec::EnumsInRange(root)) {
    return Status::Corruption("snapshot has an unknown format or out-of-range values");
  }
  if (root.fingerprint() != fingerprint) {
    return Status::FailedPrecondition("snapshot was folded with other org constants or readings");
  }
  OrgState s(std::move(constants));
  if (root.first_event_ts()) s.first_event_ts_ = *root.first_event_ts();
  if (root.edition()) s.edition_ = static_cast<Edition>(*root.edition());
  s.edition_seq_ = root.edition_seq();
  SnapshotCodec::Each(root.settings(), [&](const sfb::Setting& x) {
    s.settings_[static_cast<Setting>(x.setting())] = {x.value(), x.seq()};
  });
  SnapshotCodec::DecodeUsers(root, &s);
  SnapshotCodec::DecodeHolders(root.profiles(), &s.profiles_);
  SnapshotCodec::DecodeHolders(root.permsets(), &s.permsets_);
  SnapshotCodec::DecodeApps(root, &s);
  SnapshotCodec::DecodePairs(root, &s);
  *before = root.before();
  return s;
}

}  // namespace authtrail::replay
