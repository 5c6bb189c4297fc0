// Facts: the pieces of org state a state event sets, each with an identity
// (which fact) and a value, so that events from different sources can be
// compared fact by fact: where a fact's value first appears (authtrail
// sources --origins), and which fact a Setup Audit Trail row changes (the
// backward reconstruction, ingest/prior_state.h).
//
//   fact                subject fields           value
//   org.edition         -                        edition name
//   org.setting         setting                  true / false
//   user.profile        user                     the profile
//   user.user_type      user                     the user type
//   user.active         user                     true / false
//   profile.permission  profile, permission      true / false
//   permset.permission  permset, permission      true / false
//   permset.assignment  permset, user            assigned [until TS] / unassigned
//   app.installed       app                      installed / uninstalled
//   app.blocked         app                      blocked / unblocked
//   app.policy          app                      self_authorize / admin_approved
//   app.access          app, profile | permset   enabled / disabled
//
// Access kinds, unmapped, org.created, org.enforcement and app.upsert (a
// declaration, not a value the rules read from a source) set no fact.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "schemas/event.h"

namespace authtrail {

struct Fact {
  std::string name;                                    // "permset.permission", ...
  std::vector<std::pair<Field, std::string>> subject;  // identifying fields, in table order
  std::string value;

  // name and subject values joined: equal keys are the same fact.
  std::string Key() const;
};

// The facts `e` sets (several for a user.upsert carrying several fields).
std::vector<Fact> FactsOf(const Event& e);

}  // namespace authtrail
