#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <system_error>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

using eg::test::run_options;
using eg::test::run_process;

namespace {

std::set<std::string> lines_of(const std::string& text) {
    std::set<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.insert(line);
    }
    return lines;
}

}  // namespace

TEST_CASE("run_process: captures stdout and the exit code", "[support]") {
    const auto result = run_process({"sh", "-c", "echo hi; exit 3"});
    CHECK(result.exit_code == 3);
    CHECK(result.out == "hi\n");
    CHECK(result.err.empty());
    CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_process: captures stderr separately", "[support]") {
    const auto result = run_process({"sh", "-c", "echo to-out; echo to-err >&2"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "to-out\n");
    CHECK(result.err == "to-err\n");
}

TEST_CASE("run_process: reports death by a signal as a negative exit code", "[support]") {
    const auto result = run_process({"sh", "-c", "kill -TERM $$"});
    CHECK(result.exit_code == -SIGTERM);
    CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_process: the environment is exactly the one given", "[support]") {
    SECTION("PATH is added when missing") {
        run_options opts;
        opts.env = {{"EG_ONE", "1"}, {"EG_EMPTY", ""}};
        const auto result = run_process({"env"}, opts);
        REQUIRE(result.exit_code == 0);
        CHECK(lines_of(result.out) ==
              std::set<std::string>{"EG_ONE=1", "EG_EMPTY=", "PATH=/usr/local/bin:/usr/bin:/bin"});
    }
    SECTION("a given PATH is kept") {
        run_options opts;
        opts.env = {{"PATH", "/usr/bin:/bin"}};
        const auto result = run_process({"env"}, opts);
        REQUIRE(result.exit_code == 0);
        CHECK(result.out == "PATH=/usr/bin:/bin\n");
    }
}

TEST_CASE("run_process: runs in the given working directory", "[support]") {
    eg::test::temp_dir dir;
    dir.write("sub/marker.txt", "found\n");
    run_options opts;
    opts.cwd = (dir.path() / "sub").string();
    const auto result = run_process({"sh", "-c", "pwd -P; cat marker.txt"}, opts);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out == std::filesystem::canonical(dir.path() / "sub").string() + "\nfound\n");
}

TEST_CASE("run_process: feeds stdin and closes it", "[support]") {
    run_options opts;
    opts.stdin_data = "line one\nline two\n";
    const auto result = run_process({"cat"}, opts);
    CHECK(result.exit_code == 0);
    CHECK(result.out == opts.stdin_data);

    const auto no_input = run_process({"cat"});
    CHECK(no_input.exit_code == 0);
    CHECK(no_input.out.empty());
}

TEST_CASE("run_process: a child that ignores stdin does not break the caller", "[support]") {
    run_options opts;
    opts.stdin_data = std::string(4 << 20, 'x');
    const auto result = run_process({"true"}, opts);
    CHECK(result.exit_code == 0);
}

TEST_CASE("run_process: big outputs do not deadlock", "[support]") {
    constexpr std::size_t mib = 1 << 20;
    SECTION("1 MiB on stdout and on stderr") {
        const auto result = run_process(
            {"sh", "-c", "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; exit 5"});
        CHECK(result.exit_code == 5);
        CHECK(result.out.size() == mib);
        CHECK(result.err.size() == mib);
    }
    SECTION("1 MiB through stdin and back") {
        run_options opts;
        opts.stdin_data.reserve(mib);
        for (std::size_t i = 0; i < mib; ++i) {
            opts.stdin_data.push_back(static_cast<char>('a' + i % 26));
        }
        const auto result = run_process({"cat"}, opts);
        CHECK(result.exit_code == 0);
        CHECK(result.out == opts.stdin_data);
    }
}

TEST_CASE("run_process: kills the child on timeout", "[support]") {
    using std::chrono::milliseconds;
    run_options opts;
    opts.timeout = milliseconds(300);
    const std::vector<std::vector<std::string>> commands = {
        {"sleep", "30"},
        {"sh", "-c", "echo started; sleep 30; echo never"},
    };
    for (const auto& argv : commands) {
        INFO(argv.back());
        const auto start = std::chrono::steady_clock::now();
        const auto result = run_process(argv, opts);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        CHECK(result.timed_out);
        CHECK(result.exit_code == -SIGKILL);
        CHECK(elapsed >= milliseconds(300));
        CHECK(elapsed < milliseconds(3000));
        if (argv.front() == "sh") {
            CHECK(result.out == "started\n");
        }
    }
}

TEST_CASE("run_process: the child gets default signal handling and an empty mask", "[support]") {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous {};
    REQUIRE(sigaction(SIGUSR1, &ignore, &previous) == 0);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigset_t previous_mask;
    REQUIRE(pthread_sigmask(SIG_BLOCK, &usr1, &previous_mask) == 0);

    const auto result = run_process({"sh", "-c", "kill -USR1 $$; echo survived"});

    pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    sigaction(SIGUSR1, &previous, nullptr);
    CHECK(result.exit_code == -SIGUSR1);
    CHECK(result.out.empty());
}

TEST_CASE("run_process: a missing program throws", "[support]") {
    CHECK_THROWS_AS(run_process({"eg-no-such-program-anywhere"}), std::system_error);
}

TEST_CASE("temp_dir: writes files and removes everything", "[support]") {
    std::filesystem::path root;
    {
        eg::test::temp_dir dir;
        root = dir.path();
        CHECK(root.filename().string().rfind("eg-test-", 0) == 0);
        const auto file = dir.write("a/b/c.txt", "content");
        CHECK(file == root / "a/b/c.txt");
        CHECK(std::filesystem::file_size(file) == 7);
        REQUIRE(std::filesystem::is_directory(root));
    }
    CHECK_FALSE(std::filesystem::exists(root));
}

TEST_CASE("binary_path and source_path point into the build and source trees", "[support]") {
    CHECK(eg::test::binary_path("easegress-server") == EG_BINARY_DIR "/easegress-server");
    CHECK(std::filesystem::exists(eg::test::source_path("tests/support/process_test.cpp")));
}
