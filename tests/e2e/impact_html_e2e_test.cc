// End-to-end: the impact HTML report opened in headless Chromium (Debian
// package `chromium`, installed by .ci/install-deps). Not skipped when
// Chromium is missing: it fails and says how to install it.
#include <cstdint>
#include <cstdlib>

#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

std::string Data(const std::string& name) { return SourceDir() + "/tests/data/impact/" + name; }

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool HaveChromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

// Runs headless Chromium on `url` with `extra` flags and a fresh profile;
// stdout/stderr go to files in `dir`. Returns the shell's exit status.
int Chromium(const TempDir& dir, const std::string& name, const std::string& extra,
             const std::string& url) {
  std::string cmd =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--enable-logging=stderr --v=0 --user-data-dir=" +
      Quote(dir.Sub(name + "-profile")) + " " + extra + " " + Quote(url) + " >" +
      Quote(dir.Sub(name + ".out")) + " 2>" + Quote(dir.Sub(name + ".err"));
  return std::system(cmd.c_str());
}

// Lines of Chromium's log that report a page error (a script error or a
// console message): there must be none, the report has no script.
std::string PageErrors(const std::string& log) {
  std::string out;
  for (const std::string& l : SplitLines(log)) {
    if (l.find("Uncaught") != std::string::npos || l.find(":CONSOLE") != std::string::npos ||
        l.find("Content Security Policy") != std::string::npos) {
      out += l + "\n";
    }
  }
  return out;
}

uint32_t BigEndian32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
         (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}

class ImpactHtmlE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveChromium())
        << "chromium not found on PATH: this test opens the HTML report in headless Chromium. "
           "Install it with `apt-get install -y chromium` (bash .ci/install-deps does).";
    std::string db = dir_.Sub("impact.db");
    RunResult in =
        RunAuthtrail({"ingest", "--db", db, Data("history.jsonl"), Data("xss_user.jsonl")});
    ASSERT_EQ(in.exit_code, 0) << in.err;
    html_ = dir_.Sub("report.html");
    RunResult r = RunAuthtrail({"impact", "--db", db, "--from", "api2014", "--to", "as-of",
                                "--assume", Data("aac_on.jsonl"), "--html", html_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  TempDir dir_;
  std::string html_;
};

TEST_F(ImpactHtmlE2E, ScreenshotRendersWithoutPageErrors) {
  std::string png = dir_.Sub("report.png");
  int rc = Chromium(dir_, "shot", "--screenshot=" + Quote(png) + " --window-size=1200,2000",
                    "file://" + html_);
  std::string log = ReadFile(dir_.Sub("shot.err"));
  ASSERT_EQ(rc, 0) << log;
  std::string bytes = ReadFile(png);
  ASSERT_GT(bytes.size(), 24u) << "no screenshot written\n" << log;
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(BigEndian32(bytes, 16), 1200u);  // IHDR width
  EXPECT_EQ(BigEndian32(bytes, 20), 2000u);  // IHDR height
  // A blank page compresses to a few kB; tables, text and the chart do not.
  EXPECT_GT(bytes.size(), 30000u);
  EXPECT_EQ(PageErrors(log), "");
}

TEST_F(ImpactHtmlE2E, ScriptUsernameStaysTextInTheDom) {
  int rc = Chromium(dir_, "dom", "--dump-dom", "file://" + html_);
  std::string dom = ReadFile(dir_.Sub("dom.out"));
  std::string log = ReadFile(dir_.Sub("dom.err"));
  ASSERT_EQ(rc, 0) << log;
  ASSERT_NE(dom.find("authtrail impact report"), std::string::npos) << dom.substr(0, 2000);
  // The username is shown as text (serialized escaped) and never became an element.
  EXPECT_NE(dom.find("&lt;script&gt;document.title='pwned';console.error('xss')&lt;/script&gt;"
                     "evil@example.com"),
            std::string::npos);
  EXPECT_NE(dom.find("&lt;img src=x onerror="), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_EQ(dom.find("pwned</title>"), std::string::npos);
  EXPECT_NE(dom.find("<title>authtrail impact report</title>"), std::string::npos);
  EXPECT_EQ(PageErrors(log), "");
  // The report names the head it describes.
  EXPECT_NE(dom.find("head seq"), std::string::npos);
}

}  // namespace
}  // namespace authtrail::testing
