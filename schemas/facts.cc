#include "schemas/facts.h"

namespace authtrail {
namespace {

std::string Bool(bool b) { return b ? "true" : "false"; }

template <typename E>
std::string EnumName(Field f, E value) {
  return EnumNames(f)[static_cast<size_t>(value)];
}

void AddUserFacts(const Event& e, std::vector<Fact>* out) {
  std::vector<std::pair<Field, std::string>> who = {{Field::kUser, *e.user}};
  if (e.profile) out->push_back({"user.profile", who, *e.profile});
  if (e.user_type)
    out->push_back({"user.user_type", who, EnumName(Field::kUserType, *e.user_type)});
  if (e.active) out->push_back({"user.active", who, Bool(*e.active)});
}

std::string AssignmentValue(const Event& e) {
  if (e.kind == Kind::kPermsetUnassign) return "unassigned";
  return e.expires_at ? "assigned until " + FormatOutput(*e.expires_at) : "assigned";
}

}  // namespace

std::string Fact::Key() const {
  std::string key = name;
  for (const auto& [field, value] : subject) key.append("\x1f").append(value);
  return key;
}

std::vector<Fact> FactsOf(const Event& e) {
  std::vector<Fact> out;
  switch (e.kind) {
    case Kind::kOrgEdition:
      out.push_back({"org.edition", {}, EnumName(Field::kEdition, *e.edition)});
      break;
    case Kind::kOrgSetting:
      out.push_back({"org.setting",
                     {{Field::kSetting, EnumName(Field::kSetting, *e.setting)}},
                     Bool(*e.enabled)});
      break;
    case Kind::kUserUpsert:
      AddUserFacts(e, &out);
      break;
    case Kind::kProfilePermission:
      out.push_back({"profile.permission",
                     {{Field::kProfile, *e.profile}, {Field::kPermission, *e.permission}},
                     Bool(*e.enabled)});
      break;
    case Kind::kPermsetPermission:
      out.push_back({"permset.permission",
                     {{Field::kPermset, *e.permset}, {Field::kPermission, *e.permission}},
                     Bool(*e.enabled)});
      break;
    case Kind::kPermsetAssign:
    case Kind::kPermsetUnassign:
      out.push_back({"permset.assignment",
                     {{Field::kPermset, *e.permset}, {Field::kUser, *e.user}},
                     AssignmentValue(e)});
      break;
    case Kind::kAppInstall:
    case Kind::kAppUninstall:
      out.push_back({"app.installed",
                     {{Field::kApp, *e.app}},
                     e.kind == Kind::kAppInstall ? "installed" : "uninstalled"});
      break;
    case Kind::kAppBlock:
    case Kind::kAppUnblock:
      out.push_back({"app.blocked",
                     {{Field::kApp, *e.app}},
                     e.kind == Kind::kAppBlock ? "blocked" : "unblocked"});
      break;
    case Kind::kAppPolicy:
      out.push_back({"app.policy",
                     {{Field::kApp, *e.app}},
                     EnumName(Field::kPermittedUsers, *e.permitted_users)});
      break;
    case Kind::kAppAccess: {
      std::pair<Field, std::string> holder = e.profile ? std::pair{Field::kProfile, *e.profile}
                                                       : std::pair{Field::kPermset, *e.permset};
      out.push_back(
          {"app.access", {{Field::kApp, *e.app}, holder}, *e.enabled ? "enabled" : "disabled"});
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace authtrail
