#include "tools/impact_html.h"

#include <algorithm>

namespace authtrail::tools {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// How many apps/users/what-if rows the report shows in full.
constexpr size_t kTopRows = 10;

constexpr const char* kStyle = R"(<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1160px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;font-size:12.5px}.meta code{font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:4px 7px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.narrow{width:auto;min-width:420px}
th{background:#f6f8fa}td.n{text-align:right;white-space:nowrap;word-break:normal}
.deny{color:#b42318;font-weight:600}.allow{color:#1a7f37;font-weight:600}
details{margin:2px 0 8px}summary{cursor:pointer;color:#0550ae}
.note{color:#57606a;font-size:12.5px;margin:4px 0}
.chart text{font-size:11px;fill:#57606a}.legend span{display:inline-block;width:11px;height:11px;margin:0 4px 0 12px;vertical-align:-1px}
</style>)";

std::string Td(std::string_view s) { return "<td>" + HtmlEscape(s) + "</td>"; }
std::string TdN(uint64_t n) { return "<td class=\"n\">" + std::to_string(n) + "</td>"; }

std::string Th(std::initializer_list<const char*> heads) {
  std::string out = "<tr>";
  for (const char* h : heads) out += std::string("<th>") + h + "</th>";
  return out + "</tr>";
}

std::string DecisionCell(const std::string& text) {
  const char* cls = text.rfind("deny", 0) == 0    ? "deny"
                    : text.rfind("allow", 0) == 0 ? "allow"
                                                  : "";
  return std::string("<td class=\"") + cls + "\">" + HtmlEscape(text) + "</td>";
}

std::string ExampleTable(const ImpactReport& r, const std::vector<ImpactExample>& rows) {
  std::string out = "<table>" + Th({"seq", "time (UTC)", "id", "kind", "user", "app", "flow",
                                    "before", "after", "clause", "reason"});
  for (const ImpactExample& ex : rows) {
    out += "<tr>" + TdN(ex.seq) + Td(FormatOutput(ex.ts)) + Td(ex.id) + Td(ex.kind) +
           Td(UserLabel(r, ex.user)) + Td(ex.app) + Td(ex.flow) + DecisionCell(ex.before) +
           DecisionCell(ex.after) + Td(ex.clause) + Td(ex.reason) + "</tr>";
  }
  return out + "</table>";
}

std::string Details(const std::string& summary, const std::string& body) {
  return "<details><summary>" + summary + "</summary>" + body + "</details>";
}

std::string Header(const ImpactReport& r) {
  std::string out = "<h1>authtrail impact report</h1><p class=\"meta\">store <code>" +
                    HtmlEscape(r.store_id) + "</code> &middot; head seq <code>" +
                    std::to_string(r.head_seq) + "</code> &middot; head hash <code>" +
                    HtmlEscape(r.head_hash) + "</code><br>compared <b>" + HtmlEscape(r.from) +
                    "</b> &rarr; <b>" + HtmlEscape(r.to) +
                    "</b> &middot; filters: " + HtmlEscape(r.filters.empty() ? "none" : r.filters);
  if (r.has_whatif) out += " &middot; what-if file: <code>" + HtmlEscape(r.assume_file) + "</code>";
  return out + "</p>";
}

std::string Summary(const ImpactReport& r) {
  auto row = [](const char* what, uint64_t n) {
    return std::string("<tr><td>") + what + "</td>" + TdN(n) + "</tr>";
  };
  std::string out = "<h2>Summary</h2><table class=\"narrow\">" + Th({"", "count"});
  out += row("access events analysed", r.accesses);
  out += row(("allowed under " + HtmlEscape(r.from)).c_str(), r.from_allow);
  out += row(("denied under " + HtmlEscape(r.from)).c_str(), r.from_deny);
  out += row(("allowed under " + HtmlEscape(r.to)).c_str(), r.to_allow);
  out += row(("denied under " + HtmlEscape(r.to)).c_str(), r.to_deny);
  for (const auto& [t, n] : r.transitions) {
    out += "<tr><td>flip " + HtmlEscape(t) + "</td>" + TdN(n) + "</tr>";
  }
  out += row("apps that flip", r.apps.size());
  out += row("users that flip", r.users.size());
  out += row("suspect grants (recorded allow, as-of deny)", r.suspect_count);
  if (r.has_whatif) out += row("accesses the what-if changes", r.whatif_changed);
  out += row("decisions no reading changes (robust)", r.robust);
  return out + "</table>";
}

// ---- timeline ----

constexpr int kChartWidth = 1100, kRowHeight = 90, kLeft = 70, kTop = 14;

std::string Rect(double x, double y, double w, double h, const char* fill,
                 const std::string& title) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x, y, w,
                h, fill);
  return buf + ("<title>" + HtmlEscape(title) + "</title></rect>");
}

std::string ChartRow(const ImpactReport& r, size_t col, const char* name, int y0, uint64_t max) {
  std::string out =
      "<text x=\"0\" y=\"" + std::to_string(y0 + kRowHeight / 2) + "\">" + name + "</text>";
  double slot = static_cast<double>(kChartWidth - kLeft) / std::max<size_t>(r.timeline.size(), 1);
  double bar = std::clamp(slot * 0.8, 1.0, 48.0);
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    const TimelineBucket& b = r.timeline[i];
    double x = kLeft + i * slot;
    double ha = (kRowHeight - 10) * static_cast<double>(b.allow[col]) / max;
    double hd = (kRowHeight - 10) * static_cast<double>(b.deny[col]) / max;
    double base = y0 + kRowHeight - 4;
    std::string what = std::string(name) + " " + b.label + ": ";
    if (b.allow[col] > 0) {
      out +=
          Rect(x, base - ha, bar, ha, "#2da44e", what + std::to_string(b.allow[col]) + " allowed");
    }
    if (b.deny[col] > 0) {
      out += Rect(x, base - ha - hd, bar, hd, "#cf222e",
                  what + std::to_string(b.deny[col]) + " denied");
    }
  }
  out += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kChartWidth) +
         "\" y1=\"" + std::to_string(y0 + kRowHeight - 4) + "\" y2=\"" +
         std::to_string(y0 + kRowHeight - 4) + "\" stroke=\"#8c959f\"/>";
  return out;
}

std::string Timeline(const ImpactReport& r) {
  static const char* kNames[] = {"as-of", "pre2014", "api2014", "sep2025", "dec2025"};
  uint64_t max = 1;
  for (const auto& b : r.timeline)
    for (size_t c = 0; c < b.allow.size(); ++c) max = std::max(max, b.allow[c] + b.deny[c]);
  int height = kTop + 5 * kRowHeight + 24;
  std::string out =
      "<h2>Timeline: allowed and denied accesses per rule set</h2><p class=\"legend note\">"
      "<span style=\"background:#2da44e\"></span>allowed<span style=\"background:#cf222e\">"
      "</span>denied &middot; bar height scale: " +
      std::to_string(max) +
      " accesses &middot; hover a bar for its counts</p><svg class=\"chart\" role=\"img\" "
      "xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
      std::to_string(kChartWidth) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
      std::to_string(kChartWidth) + " " + std::to_string(height) + "\">";
  for (size_t c = 0; c < 5; ++c) out += ChartRow(r, c, kNames[c], kTop + c * kRowHeight, max);
  size_t step = std::max<size_t>(1, r.timeline.size() / 12);
  double slot = static_cast<double>(kChartWidth - kLeft) / std::max<size_t>(r.timeline.size(), 1);
  for (size_t i = 0; i < r.timeline.size(); i += step) {
    out += "<text x=\"" + std::to_string(static_cast<int>(kLeft + i * slot)) + "\" y=\"" +
           std::to_string(height - 6) + "\">" + HtmlEscape(r.timeline[i].label) + "</text>";
  }
  return out + "</svg>";
}

// ---- findings ----

std::string Groups(const ImpactReport& r, const char* title, const std::vector<FlipGroup>& groups,
                   bool users) {
  std::string out = std::string("<h2>") + title + "</h2>";
  if (groups.empty()) return out + "<p class=\"note\">None.</p>";
  out += "<table>" +
         Th({users ? "user" : "app", "allow&rarr;deny", "deny&rarr;allow", "other", "total"});
  for (size_t i = 0; i < groups.size() && i < kTopRows; ++i) {
    const FlipGroup& g = groups[i];
    out += "<tr>" + Td(users ? UserLabel(r, g.key) : g.key) + TdN(g.allow_to_deny) +
           TdN(g.deny_to_allow) + TdN(g.other) + TdN(g.total()) + "</tr>";
  }
  out += "</table>";
  if (groups.size() > kTopRows) {
    out += "<p class=\"note\">and " + std::to_string(groups.size() - kTopRows) +
           " more (authtrail impact --format jsonl lists all)</p>";
  }
  for (size_t i = 0; i < groups.size() && i < kTopRows; ++i) {
    const FlipGroup& g = groups[i];
    out += Details("Example events: " + HtmlEscape(users ? UserLabel(r, g.key) : g.key),
                   ExampleTable(r, g.examples));
  }
  return out;
}

std::string WhatIf(const ImpactReport& r) {
  std::string out = "<h2>What-if: who gains or loses access</h2>";
  out += "<p class=\"note\">Recorded history vs. the same history with the events of <code>" +
         HtmlEscape(r.assume_file) + "</code> folded in, decided under <b>" + HtmlEscape(r.to) +
         "</b>. " + std::to_string(r.whatif_changed) + " accesses change.</p>";
  if (r.whatif.empty()) return out + "<p class=\"note\">No user, app or integration changes.</p>";
  out += "<table>" +
         Th({"change", "kind", "who", "events", "first flip (seq, time)", "clause", "reason"});
  for (const WhatIfChange& c : r.whatif) {
    std::string who = c.principal == "user" ? UserLabel(r, c.key) : c.key;
    out += "<tr><td class=\"" + std::string(c.loses ? "deny\">loses" : "allow\">gains") + "</td>" +
           Td(c.principal) + Td(who) + TdN(c.events) +
           Td(std::to_string(c.first.seq) + ", " + FormatOutput(c.first.ts)) + Td(c.first.clause) +
           Td(c.first.reason) + "</tr>";
  }
  out += "</table>";
  for (const WhatIfChange& c : r.whatif) {
    if (c.principal != "integration") continue;
    out += Details("Example events: " + HtmlEscape(c.key) + (c.loses ? " (loses)" : " (gains)"),
                   ExampleTable(r, c.examples));
  }
  return out;
}

std::string Suspects(const ImpactReport& r) {
  std::string out = "<h2>Suspect grants: recorded allow, predicted deny</h2>";
  out +=
      "<p class=\"note\">The platform recorded success although the rules in force (as-of) "
      "deny: " +
      std::to_string(r.suspect_count) + " events.</p>";
  if (r.suspects.empty()) return out;
  return out + ExampleTable(r, r.suspects);
}

std::string Readings(const ImpactReport& r) {
  std::string out =
      "<h2>Readings the conclusions depend on</h2><p class=\"note\">Each row replays "
      "the history with one rules.md &sect;10 reading flipped; a decision counts "
      "when its verdict under " +
      HtmlEscape(r.from) + " or " + HtmlEscape(r.to) + " changes. " + std::to_string(r.robust) +
      " of " + std::to_string(r.accesses) + " decisions are robust.</p>";
  out += "<table>" + Th({"reading", "flipped to", "decisions changed", "of them flips",
                         "of them suspect grants"});
  for (const ReadingImpact& ri : r.reading_impacts) {
    out += "<tr>" + Td(ri.id) + Td(ri.toggle) + TdN(ri.changed) + TdN(ri.flips_touched) +
           TdN(ri.suspects_touched) + "</tr>";
  }
  out += "</table>";
  for (const ReadingImpact& ri : r.reading_impacts) {
    if (ri.changed == 0) continue;
    out += Details("Decisions " + HtmlEscape(ri.id + " " + ri.toggle) + " changes",
                   ExampleTable(r, ri.events));
  }
  std::string base;
  for (const auto& x : r.readings) base += (base.empty() ? "" : "; ") + x;
  out += "<p class=\"note\">Base readings: " + HtmlEscape(base) + "</p>";
  return out;
}

}  // namespace

std::string RenderImpactHtml(const ImpactReport& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">"
      "<title>authtrail impact report</title>";
  out += kStyle;
  out += "</head><body>";
  out += Header(r) + Summary(r) + Timeline(r);
  out += Groups(r, "Top apps that flip", r.apps, false);
  out += Groups(r, "Top users that flip", r.users, true);
  if (r.has_whatif) out += WhatIf(r);
  out += Suspects(r) + Readings(r);
  out += "</body></html>\n";
  return out;
}

}  // namespace authtrail::tools
