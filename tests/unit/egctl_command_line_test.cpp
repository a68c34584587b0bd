#include "tools/egctl/command_line.hpp"
#include "tools/egctl/help_text.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/golden.hpp"

using eg::ctl::check_arguments;
using eg::ctl::command_flag_error;
using eg::ctl::command_flags;
using eg::ctl::parse_command_line;
using eg::ctl::resolve_command;
using words = std::vector<std::string>;

TEST_CASE("egctl command line: global flags before, between and after the words", "[egctl]") {
    const auto cl = parse_command_line(
        {"--server", "10.0.0.1:2381", "get", "-o", "json", "member", "--force-tls", "m1"});
    CHECK_FALSE(cl.error);
    CHECK(cl.words == words{"get", "member", "m1"});
    CHECK(cl.flags.server == "10.0.0.1:2381");
    CHECK(cl.flags.output == "json");
    CHECK(cl.flags.force_tls);
    CHECK_FALSE(cl.flags.insecure_skip_verify);
}

TEST_CASE("egctl command line: flag spellings pflag accepts", "[egctl]") {
    CHECK(parse_command_line({"--server=h:1"}).flags.server == "h:1");
    CHECK(parse_command_line({"-oyaml"}).flags.output == "yaml");
    CHECK(parse_command_line({"-o=yaml"}).flags.output == "yaml");
    CHECK(parse_command_line({"--output", "yaml"}).flags.output == "yaml");
    CHECK(parse_command_line({"--insecure-skip-verify"}).flags.insecure_skip_verify);
    CHECK_FALSE(parse_command_line({"--force-tls=false"}).flags.force_tls);
    CHECK(parse_command_line({"--force-tls=T"}).flags.force_tls);
    CHECK(parse_command_line({"-h"}).help);
    CHECK(parse_command_line({"--version"}).version);
    const auto combined = parse_command_line({"-ho", "json"});
    CHECK(combined.help);
    CHECK(combined.flags.output == "json");
    // "--" ends the flags; "-" alone is a word.
    CHECK(parse_command_line({"get", "--", "-o"}).words == words{"get", "-o"});
    CHECK(parse_command_line({"-"}).words == words{"-"});
    // A flag value may start with a dash.
    CHECK(parse_command_line({"--server", "-x"}).flags.server == "-x");
}

TEST_CASE("egctl command line: flag errors in pflag's words", "[egctl]") {
    CHECK(*parse_command_line({"get", "--bogus"}).error == "unknown flag: --bogus");
    CHECK(*parse_command_line({"--bogus=1"}).error == "unknown flag: --bogus");
    CHECK(*parse_command_line({"-x"}).error == "unknown shorthand flag: 'x' in -x");
    CHECK(*parse_command_line({"-hx"}).error == "unknown shorthand flag: 'x' in -hx");
    CHECK(*parse_command_line({"get", "--server"}).error == "flag needs an argument: --server");
    CHECK(*parse_command_line({"get", "-o"}).error == "flag needs an argument: 'o' in -o");
    CHECK(*parse_command_line({"--force-tls=yes"}).error ==
          "invalid argument \"yes\" for \"--force-tls\" flag: strconv.ParseBool: parsing "
          "\"yes\": invalid syntax");
    // The words are still collected, to show the right command's usage.
    const auto cl = parse_command_line({"--bogus", "describe", "m"});
    CHECK(cl.words == words{"describe", "m"});
    CHECK(*parse_command_line({"--bogus", "-y"}).error == "unknown flag: --bogus");
}

TEST_CASE("egctl command line: commands by unique prefix", "[egctl]") {
    CHECK(*resolve_command("get") == "get");
    CHECK(*resolve_command("ge") == "get");
    CHECK(*resolve_command("g") == "get");
    CHECK(*resolve_command("desc") == "describe");
    CHECK(*resolve_command("del") == "delete");
    CHECK(*resolve_command("hea") == "health");
    CHECK(*resolve_command("e") == "edit");
    CHECK(*resolve_command("apply") == "apply");
    CHECK(*resolve_command("a") == "apply");
    CHECK(*resolve_command("cr") == "create");
    CHECK(resolve_command("de").error() ==
          "unknown command \"de\" for \"egctl\"\n\nDid you mean this?\n\tdelete\n\tdescribe\n"
          "\tget\n");
    CHECK(resolve_command("he").error() ==
          "unknown command \"he\" for \"egctl\"\n\nDid you mean this?\n\tget\n\thealth\n");
    CHECK(resolve_command("logs").error() == "unknown command \"logs\" for \"egctl\"");
    CHECK(resolve_command("Get").error() ==
          "unknown command \"Get\" for \"egctl\"\n\nDid you mean this?\n\tget\n");
}

TEST_CASE("egctl command line: argument checks with upstream's texts", "[egctl]") {
    CHECK(*check_arguments("get", {}) == "no resource specified");
    CHECK_FALSE(check_arguments("get", {"member"}));
    CHECK_FALSE(check_arguments("get", {"member", "m1"}));
    CHECK(*check_arguments("get", {"member", "m1", "m2"}) == "invalid args");
    CHECK(*check_arguments("get", {"all", "x"}) == "no more args allowed for arg 'all'");
    CHECK(*check_arguments("describe", {}) == "no resource specified");
    CHECK(*check_arguments("describe", {"m", "a", "b"}) == "invalid args");
    CHECK(*check_arguments("delete", {}) == "no resource specified");
    CHECK(*check_arguments("delete", {"member"}) == "invalid arguments");
    CHECK_FALSE(check_arguments("delete", {"mem", "a", "b"}));
    CHECK(*check_arguments("delete", {"pipeline", "p"}) ==
          "invalid resource for pipeline, unknown resource: pipeline");
    CHECK(*check_arguments("edit", {"member"}) == "no resource and name specified");
    CHECK_FALSE(check_arguments("edit", {"member", "m1"}));
    CHECK(*check_arguments("edit", {"member", "m1", "x"}) == "invalid args");
    CHECK_FALSE(check_arguments("health", {"anything"}));
}

TEST_CASE("egctl command line: -f and --all belong to their commands", "[egctl]") {
    const auto create = parse_command_line({"create", "-f", "objects.yaml"});
    CHECK_FALSE(create.error);
    CHECK(create.local.file == "objects.yaml");
    CHECK_FALSE(command_flag_error(create, "create"));
    CHECK_FALSE(command_flag_error(create, "apply"));
    CHECK(*command_flag_error(create, "get") == "unknown shorthand flag: 'f' in -f");
    CHECK(*command_flag_error(create, "") == "unknown shorthand flag: 'f' in -f");
    CHECK(parse_command_line({"apply", "--file=-"}).local.file == "-");
    CHECK(parse_command_line({"apply", "-f-"}).local.file == "-");
    CHECK(parse_command_line({"-of", "json", "x"}).local.file.empty());  // -o takes "f"
    const auto combined = parse_command_line({"create", "-hf", "x.yaml"});
    CHECK(combined.help);
    CHECK(combined.local.file == "x.yaml");
    CHECK(*command_flag_error(combined, "delete") == "unknown shorthand flag: 'f' in -hf");

    const auto all = parse_command_line({"delete", "httpserver", "--all"});
    CHECK(all.local.all);
    CHECK(all.words == words{"delete", "httpserver"});
    CHECK_FALSE(command_flag_error(all, "delete"));
    CHECK(*command_flag_error(all, "create") == "unknown flag: --all");
    CHECK_FALSE(parse_command_line({"delete", "--all=false"}).local.all);
    CHECK(*parse_command_line({"create", "-f"}).error == "flag needs an argument: 'f' in -f");
}

TEST_CASE("egctl command line: argument checks of the object commands", "[egctl]") {
    CHECK(*check_arguments("create", {}) == "yaml file is required");
    CHECK(*check_arguments("apply", {"x"}, command_flags{"", false}) == "yaml file is required");
    CHECK_FALSE(check_arguments("create", {}, command_flags{"-", false}));
    CHECK_FALSE(check_arguments("apply", {"ignored"}, command_flags{"a.yaml", false}));

    // delete resolves the resource with the resolver it is given (the server's kinds).
    std::vector<std::string> asked;
    const eg::ctl::resource_resolver resolve = [&](std::string_view word) {
        asked.emplace_back(word);
        if (word == "httpserver") return eg::ctl::outcome<std::string>(std::string("HTTPServer"));
        return eg::ctl::outcome<std::string>::failure("unknown resource: " + std::string(word));
    };
    CHECK_FALSE(check_arguments("delete", {"httpserver", "a", "b"}, {}, resolve));
    CHECK(*check_arguments("delete", {"httpserver"}, {}, resolve) == "invalid arguments");
    CHECK_FALSE(check_arguments("delete", {"httpserver"}, command_flags{"", true}, resolve));
    CHECK(*check_arguments("delete", {"httpserver", "a"}, command_flags{"", true}, resolve) ==
          "invalid arguments for --all");
    CHECK(*check_arguments("delete", {"proxy", "a"}, {}, resolve) ==
          "invalid resource for proxy, unknown resource: proxy");
    CHECK(asked == words{"httpserver", "httpserver", "httpserver", "httpserver", "proxy"});
    CHECK(*check_arguments("delete", {}, {}, resolve) == "no resource specified");
}

TEST_CASE("egctl help: root and command help as cobra lays them out", "[egctl]") {
    eg::test::check_golden("egctl/help.txt", eg::ctl::root_help());
    eg::test::check_golden("egctl/help_get.txt",
                           eg::ctl::command_help_text(*eg::ctl::find_command_help("get")));
    eg::test::check_golden("egctl/help_create.txt",
                           eg::ctl::command_help_text(*eg::ctl::find_command_help("create")));
    eg::test::check_golden("egctl/help_delete.txt",
                           eg::ctl::command_help_text(*eg::ctl::find_command_help("delete")));
    for (const auto& name : eg::ctl::command_names()) {
        const auto* help = eg::ctl::find_command_help(name);
        REQUIRE(help != nullptr);
        const auto usage = eg::ctl::command_usage(*help);
        CHECK(usage.starts_with("Usage:\n  egctl " + name));
        CHECK(usage.find("Global Flags:\n      --force-tls              Whether") !=
              std::string::npos);
    }
}
