// Unit tests of the impact report: the collector's counting and the
// renderers' escaping (HTML and CSV), on hand-built lines.
#include "tools/impact.h"

#include <gtest/gtest.h>

#include "tools/impact_html.h"
#include "tools/impact_run.h"
#include "tools/impact_text.h"

namespace authtrail::tools {
namespace {

using replay::Decision;
using replay::Verdict;

Decision Make(Verdict v, replay::Reason reason, replay::Clause clause) {
  Decision d;
  d.verdict = v;
  d.reason = reason;
  d.clause = clause;
  return d;
}

// An api.call line allowed by every column but dec2025, which denies it (clause 10).
replay::ReplayLine Line(uint64_t seq) {
  replay::ReplayLine l;
  l.seq = seq;
  Decision allow = Make(Verdict::kAllow, replay::Reason::kAllowStandard, replay::Clause::k14);
  l.decisions.as_of_rule_set = replay::RuleSet::kApi2014;
  l.decisions.as_of = allow;
  l.decisions.columns.fill(allow);
  l.decisions.columns[3] =
      Make(Verdict::kDeny, replay::Reason::kDenyAacAppNotApproved, replay::Clause::k10);
  return l;
}

Event Call(const std::string& user, const std::string& app,
           MicrosUtc ts = 1718000000000000 /* 2024-06-10 */) {
  Event e;
  e.ts = ts;
  e.org = "00D5g000004SxyzEAC";
  e.kind = Kind::kApiCall;
  e.user = user;
  e.app = app;
  return e;
}

ColumnSpec Col(const char* name) { return std::move(*ParseRules(name)).front(); }

ImpactReport Collect(const std::vector<Event>& events) {
  ImpactCollector c(Col("api2014"), Col("dec2025"), {{"A3", "use_any_bypasses_block=true"}}, false);
  uint64_t seq = 0;
  for (const Event& e : events) {
    replay::ReplayLine base = Line(++seq), alt = Line(seq);
    c.Add(e, base, {&alt}, nullptr);
  }
  return c.Finish();
}

TEST(ImpactCollector, CountsFlipsPerAppAndUserWithTheResponsibleClause) {
  ImpactReport r = Collect({Call("u1", "appA"), Call("u2", "appA"), Call("u1", "appB")});
  EXPECT_EQ(r.accesses, 3u);
  EXPECT_EQ(r.transitions.at("allow\u2192deny"), 3u);
  ASSERT_EQ(r.apps.size(), 2u);
  EXPECT_EQ(r.apps[0].key, "appA");  // most flips first
  EXPECT_EQ(r.apps[0].allow_to_deny, 2u);
  ASSERT_EQ(r.users.size(), 2u);
  EXPECT_EQ(r.users[0].key, "u1");
  EXPECT_EQ(r.apps[0].examples[0].clause, "10");
  EXPECT_EQ(r.apps[0].examples[0].reason, "DENY_AAC_APP_NOT_APPROVED");
  EXPECT_EQ(r.robust, 3u);  // the reading lane decided the same
  EXPECT_EQ(r.reading_impacts[0].changed, 0u);
}

TEST(ImpactHtml, EscapesAScriptUsernameAsText) {
  const std::string evil = "<script>alert(\"x\")</script>";
  ImpactReport r = Collect({Call("0055g00000XsSaaAAA", "<img src=x onerror=alert(1)>")});
  r.usernames["0055g00000XsSaaAAA"] = evil;
  r.store_id = "store'\"&";
  std::string html = RenderImpactHtml(r);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (0055g00000XsSaaAAA)"),
            std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("store&#39;&quot;&amp;"), std::string::npos);
  // Self-contained: nothing is fetched.
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(ImpactHtml, EscapesEverySpecialCharacter) {
  EXPECT_EQ(HtmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(HtmlEscape("plain ünïcode"), "plain ünïcode");
}

TEST(ImpactCsv, PrefixesFormulaLikeCells) {
  ImpactReport r = Collect({Call("=cmd|'/c calc'!A1", "+app")});
  std::string csv;
  AppendImpactCsv(r, &csv);
  EXPECT_NE(csv.find("\"'=cmd|'/c calc'!A1\""), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"'+app\""), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=cmd"), std::string::npos);
}

TEST(ImpactJsonl, SummaryComesFirstAndGroupsFollow) {
  ImpactReport r = Collect({Call("u1", "appA")});
  r.head_seq = 42;
  std::string out;
  AppendImpactJsonl(r, &out);
  EXPECT_EQ(out.rfind("{\"summary\":{", 0), 0u);
  EXPECT_NE(out.find("\"head_seq\":42"), std::string::npos);
  EXPECT_NE(out.find("{\"flip_group\":{\"by\":\"app\",\"key\":\"appA\""), std::string::npos);
  EXPECT_NE(out.find("{\"reading\":{\"id\":\"A3\""), std::string::npos);
}

TEST(ImpactCollector, TimelineHasEveryMonthBetweenTheFirstAndLastAccess) {
  ImpactReport r = Collect({Call("u", "a", *ParseRfc3339("2024-11-03T00:00:00Z")),
                            Call("u", "a", *ParseRfc3339("2025-02-20T00:00:00Z"))});
  std::vector<std::string> labels;
  for (const auto& b : r.timeline) labels.push_back(b.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"2024-11", "2024-12", "2025-01", "2025-02"}));
  EXPECT_EQ(r.timeline[0].allow[0], 1u);  // as-of
  EXPECT_EQ(r.timeline[0].deny[4], 1u);   // dec2025
  EXPECT_EQ(r.timeline[1].allow[0] + r.timeline[1].deny[0], 0u);
}

TEST(ImpactCollector, LongHistoriesAreChartedByYear) {
  ImpactReport r = Collect({Call("u", "a", *ParseRfc3339("2013-05-01T00:00:00Z")),
                            Call("u", "a", *ParseRfc3339("2016-07-01T00:00:00Z"))});
  std::vector<std::string> labels;
  for (const auto& b : r.timeline) labels.push_back(b.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"2013", "2014", "2015", "2016"}));
}

TEST(ImpactRun, FoldOrderIsTimeThenKindRankThenCanonicalBytes) {
  Event setting;
  setting.ts = 100;
  setting.org = "00D5g000004SxyzEAC";
  setting.kind = Kind::kOrgSetting;
  setting.setting = Setting::admin_approved_apps_only;
  setting.enabled = true;
  Event call = Call("u", "a", 100);
  EXPECT_TRUE(FoldBefore(setting, call));  // state kinds first at equal ts
  EXPECT_FALSE(FoldBefore(call, setting));
  Event earlier = Call("u", "a", 99);
  EXPECT_TRUE(FoldBefore(earlier, setting));
  Event other = Call("v", "a", 100);
  EXPECT_NE(FoldBefore(call, other), FoldBefore(other, call));  // a strict order
}

}  // namespace
}  // namespace authtrail::tools
