#include "tools/impact_text.h"

#include "schemas/canonical.h"

namespace authtrail::tools {
namespace {

// ---- jsonl ----

void Key(const char* key, std::string* out) {
  *out += '"';
  *out += key;
  *out += "\":";
}

void Str(const char* key, std::string_view v, std::string* out) {
  Key(key, out);
  AppendJsonString(v, out);
  *out += ',';
}

void Num(const char* key, uint64_t v, std::string* out) {
  Key(key, out);
  *out += std::to_string(v) + ",";
}

// Closes an object whose last member left a trailing comma.
void Close(std::string* out) {
  if (out->back() == ',') out->pop_back();
  *out += '}';
}

void ExampleJson(const ImpactExample& ex, std::string* out) {
  *out += '{';
  Num("seq", ex.seq, out);
  if (!ex.id.empty()) Str("id", ex.id, out);
  Str("ts", FormatOutput(ex.ts), out);
  Str("kind", ex.kind, out);
  if (!ex.user.empty()) Str("user", ex.user, out);
  if (!ex.app.empty()) Str("app", ex.app, out);
  Str("before", ex.before, out);
  Str("after", ex.after, out);
  if (!ex.clause.empty()) Str("clause", ex.clause, out);
  Str("reason", ex.reason, out);
  Close(out);
}

void SummaryJson(const ImpactReport& r, std::string* out) {
  *out += "{\"summary\":{";
  Str("store_id", r.store_id, out);
  Num("head_seq", r.head_seq, out);
  Str("head_hash", r.head_hash, out);
  Str("from", r.from, out);
  Str("to", r.to, out);
  Num("accesses", r.accesses, out);
  Key("transitions", out);
  *out += '{';
  for (const auto& [t, n] : r.transitions) Num(t.c_str(), n, out);
  Close(out);
  *out += ',';
  Num("apps_flipping", r.apps.size(), out);
  Num("users_flipping", r.users.size(), out);
  Num("suspect_grants", r.suspect_count, out);
  if (r.has_whatif) Num("whatif_changed", r.whatif_changed, out);
  Num("robust", r.robust, out);
  Close(out);
  *out += "}\n";
}

void GroupsJson(const char* by, const std::vector<FlipGroup>& groups, std::string* out) {
  for (const FlipGroup& g : groups) {
    *out += "{\"flip_group\":{";
    Str("by", by, out);
    Str("key", g.key, out);
    Num("allow_to_deny", g.allow_to_deny, out);
    Num("deny_to_allow", g.deny_to_allow, out);
    Num("other", g.other, out);
    Key("first", out);
    ExampleJson(g.examples.front(), out);
    *out += "}}\n";
  }
}

void WhatIfJson(const WhatIfChange& c, std::string* out) {
  *out += "{\"whatif\":{";
  Str("principal", c.principal, out);
  Str("key", c.key, out);
  Str("change", c.loses ? "loses" : "gains", out);
  Num("events", c.events, out);
  Key("first", out);
  ExampleJson(c.first, out);
  *out += "}}\n";
}

void ReadingJson(const ReadingImpact& ri, std::string* out) {
  *out += "{\"reading\":{";
  Str("id", ri.id, out);
  Str("toggle", ri.toggle, out);
  Num("changed", ri.changed, out);
  Num("flips_touched", ri.flips_touched, out);
  Num("suspects_touched", ri.suspects_touched, out);
  Key("events", out);
  *out += '[';
  for (size_t i = 0; i < ri.events.size(); ++i) {
    if (i) *out += ',';
    ExampleJson(ri.events[i], out);
  }
  *out += "]}}\n";
}

// ---- csv ----

void CsvRow(std::initializer_list<std::string_view> cells, std::string* out) {
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) *out += ',';
    first = false;
    AppendCsvCell(c, out);
  }
  *out += '\n';
}

void CsvExampleRow(std::string_view section, std::string_view key, std::string_view change,
                   uint64_t count, const ImpactExample& ex, std::string* out) {
  CsvRow({section, key, change, std::to_string(count), std::to_string(ex.seq), ex.id,
          FormatOutput(ex.ts), ex.kind, ex.user, ex.app, ex.before, ex.after, ex.clause, ex.reason},
         out);
}

// ---- table ----

std::string Line(const ImpactExample& ex) {
  return "seq " + std::to_string(ex.seq) + " " + FormatOutput(ex.ts) + " " + ex.kind + " user " +
         (ex.user.empty() ? "-" : ex.user) + " app " + (ex.app.empty() ? "-" : ex.app) + ": " +
         ex.before + " -> " + ex.after + (ex.clause.empty() ? "" : " (clause " + ex.clause + ")");
}

void TableGroups(const ImpactReport& r, const char* title, const std::vector<FlipGroup>& groups,
                 bool users, std::string* out) {
  *out += std::string("\n") + title + (groups.empty() ? ": none\n" : ":\n");
  for (size_t i = 0; i < groups.size() && i < 10; ++i) {
    const FlipGroup& g = groups[i];
    *out += "  " + (users ? UserLabel(r, g.key) : g.key) + "  allow->deny " +
            std::to_string(g.allow_to_deny) + "  deny->allow " + std::to_string(g.deny_to_allow) +
            "  other " + std::to_string(g.other) + "\n";
  }
}

uint64_t Flipped(const ImpactReport& r) {
  uint64_t n = 0;
  for (const auto& [t, c] : r.transitions) n += c;
  return n;
}

}  // namespace

void AppendImpactJsonl(const ImpactReport& r, std::string* out) {
  SummaryJson(r, out);
  GroupsJson("app", r.apps, out);
  GroupsJson("user", r.users, out);
  for (const WhatIfChange& c : r.whatif) WhatIfJson(c, out);
  for (const ReadingImpact& ri : r.reading_impacts) ReadingJson(ri, out);
  for (const ImpactExample& ex : r.suspects) {
    *out += "{\"suspect\":";
    ExampleJson(ex, out);
    *out += "}\n";
  }
}

void AppendImpactCsv(const ImpactReport& r, std::string* out) {
  *out += "section,key,change,count,seq,id,ts,kind,user,app,before,after,clause,reason\n";
  for (const auto* groups : {&r.apps, &r.users}) {
    for (const FlipGroup& g : *groups) {
      CsvExampleRow(groups == &r.apps ? "flip_app" : "flip_user", g.key, r.from + "->" + r.to,
                    g.total(), g.examples.front(), out);
    }
  }
  for (const WhatIfChange& c : r.whatif) {
    CsvExampleRow("whatif_" + c.principal, c.key, c.loses ? "loses" : "gains", c.events, c.first,
                  out);
  }
  for (const ReadingImpact& ri : r.reading_impacts) {
    for (const ImpactExample& ex : ri.events) {
      CsvExampleRow("reading", ri.id, ri.toggle, ri.changed, ex, out);
    }
  }
  for (const ImpactExample& ex : r.suspects) {
    CsvExampleRow("suspect", ex.user, "recorded allow, as-of deny", r.suspect_count, ex, out);
  }
}

void AppendImpactTable(const ImpactReport& r, std::string* out) {
  *out += "store " + r.store_id + "  head seq " + std::to_string(r.head_seq) + "  hash " +
          r.head_hash + "\n";
  *out += r.from + " -> " + r.to + ": " + std::to_string(r.accesses) + " access events, " +
          std::to_string(Flipped(r)) + " flip\n";
  for (const auto& [t, n] : r.transitions) *out += "  " + t + "  " + std::to_string(n) + "\n";
  TableGroups(r, "apps that flip", r.apps, false, out);
  TableGroups(r, "users that flip", r.users, true, out);
  if (r.has_whatif) {
    *out += "\nwhat-if (" + r.assume_file + ", under " + r.to +
            "): " + std::to_string(r.whatif_changed) + " accesses change\n";
    for (const WhatIfChange& c : r.whatif) {
      std::string who = c.principal == "user" ? UserLabel(r, c.key) : c.key;
      *out += std::string("  ") + (c.loses ? "loses " : "gains ") + c.principal + " " + who +
              "  (events: " + std::to_string(c.events) + "; first: " + Line(c.first) + ")\n";
    }
  }
  *out +=
      "\nsuspect grants (recorded allow, as-of deny): " + std::to_string(r.suspect_count) + "\n";
  for (size_t i = 0; i < r.suspects.size() && i < 10; ++i)
    *out += "  " + Line(r.suspects[i]) + "\n";
  *out += "\nreadings (decisions changed when flipped; " + std::to_string(r.robust) + " of " +
          std::to_string(r.accesses) + " robust):\n";
  for (const ReadingImpact& ri : r.reading_impacts) {
    *out += "  " + ri.id + " " + ri.toggle + "  " + std::to_string(ri.changed) + "\n";
    for (size_t i = 0; i < ri.events.size() && i < 5; ++i)
      *out += "    " + Line(ri.events[i]) + "\n";
  }
}

}  // namespace authtrail::tools
