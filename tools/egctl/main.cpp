// egctl: the admin client of an eg (Easegress-compatible) cluster. Creates, applies, lists,
// describes and deletes objects, lists, describes and purges cluster members and probes health
// through a member's admin API (/apis/v2), with upstream egctl's commands, flags, ~/.egctlrc,
// output and error texts.
//
// Exit status: 0 on success, 1 on any error (printed to stderr as "Error: <message>").

#include "tools/egctl/admin_client.hpp"
#include "tools/egctl/command_line.hpp"
#include "tools/egctl/help_text.hpp"
#include "tools/egctl/json_output.hpp"
#include "tools/egctl/member_commands.hpp"
#include "tools/egctl/object_commands.hpp"
#include "tools/egctl/rc_file.hpp"

#include <eg/input_limits.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace eg::ctl;

void print_out(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

// "Error: " is red when stderr is a terminal (and NO_COLOR is not set, TERM is not dumb).
bool color_errors() {
    if (std::getenv("NO_COLOR") != nullptr) return false;
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view(term) == "dumb") return false;
    return isatty(STDERR_FILENO) == 1;
}

int fail(const std::string& message) {
    std::fflush(stdout);
    const std::string prefix = color_errors() ? "\x1b[31mError: \x1b[0m" : "Error: ";
    std::fprintf(stderr, "%s%s\n", prefix.c_str(), message.c_str());
    return 1;
}

// An argument or flag error: the command's usage, a blank line, then the error.
int usage_error(const std::string& usage, const std::string& message) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", usage.c_str());
    return fail(message);
}

int help_command(const std::vector<std::string>& topics) {
    if (topics.empty()) {
        print_out(root_help());
        return 0;
    }
    const auto name = resolve_command(topics.front());
    if (!name) {
        print_out("Unknown help topic [`" + topics.front() + "`]\n" + root_usage());
        return 0;
    }
    print_out(command_help_text(*find_command_help(*name)));
    return 0;
}

// The text of -f's file, or of stdin for "-"; at most eg::limits::max_object_file_bytes.
outcome<std::string> read_spec_file(const std::string& file) {
    if (file != "-") return read_file_text(file);
    constexpr std::size_t limit = eg::limits::max_object_file_bytes;
    std::string text;
    char buffer[65536];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
        if (text.size() > limit)
            return outcome<std::string>::failure("read /dev/stdin: more than the " +
                                                 std::to_string(limit) + " bytes allowed");
    }
    if (std::cin.bad()) return outcome<std::string>::failure("read /dev/stdin: input/output error");
    return text;
}

int run(const std::string& command, const std::vector<std::string>& args, output_format format,
        const command_flags& local, const request_function& request,
        const resource_resolver& resolve) {
    const auto now = std::chrono::system_clock::now();
    command_result result;
    if (command == "health") {
        result = health(request, format);
    } else if (command == "create" || command == "apply") {
        const auto text = read_spec_file(local.file);
        if (!text)
            return fail(std::string(find_command_help(command)->summary) +
                        " failed: " + text.error());
        result =
            command == "create" ? create_objects(request, *text) : apply_objects(request, *text);
    } else if (command == "get" && args.front() == "all") {
        result = get_all(request, format, now);
    } else {
        const auto kind = resolve(args.front());
        if (!kind) return fail(kind.error());
        const bool member = *kind == member_kind;
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        const std::optional<std::string> name =
            args.size() > 1 ? std::optional<std::string>(args[1]) : std::nullopt;
        if (command == "delete") {
            result = member ? delete_members(request, rest)
                            : delete_objects(request, *kind, rest, local.all);
        } else if (command == "edit") {
            if (member) return fail("cannot edit member");
            return fail("edit " + *kind + " " + *name +
                        " failed, editing objects is not supported by this egctl");
        } else if (command == "get") {
            result = member ? get_member(request, name, format, now)
                            : get_objects(request, *kind, name, format, now);
        } else {
            result = member ? describe_member(request, name, format)
                            : describe_objects(request, *kind, name, format);
        }
    }
    print_out(result.out);
    return result.error ? fail(*result.error) : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const command_line cl = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
    if (cl.words.empty()) {
        if (cl.error) return usage_error(root_usage(), *cl.error);
        if (const auto error = command_flag_error(cl, "")) return usage_error(root_usage(), *error);
        if (!cl.help && cl.version) {
            print_out("egctl version " EG_VERSION "\n");
            return 0;
        }
        print_out(root_help());
        return 0;
    }
    const auto command = resolve_command(cl.words.front());
    if (!command) return fail(command.error());
    const command_help& help = *find_command_help(*command);
    const std::vector<std::string> args(cl.words.begin() + 1, cl.words.end());
    if (cl.error) return usage_error(command_usage(help), *cl.error);
    if (const auto error = command_flag_error(cl, *command))
        return usage_error(command_usage(help), *error);
    if (cl.help) {
        print_out(command_help_text(help));
        return 0;
    }
    if (cl.version) {
        print_out("egctl version " EG_VERSION "\n");
        return 0;
    }
    admin_client client(
        connection_settings{cl.flags.server, cl.flags.force_tls, cl.flags.insecure_skip_verify},
        std::getenv("HOME"));
    const request_function request = [&](std::string_view method, std::string_view path,
                                         std::string_view body) {
        return client.request(method, path, body);
    };
    // A resource word is resolved once (delete's argument check asks the server already).
    std::optional<std::pair<std::string, outcome<std::string>>> resolved;
    const resource_resolver resolve = [&](std::string_view word) {
        if (!resolved || resolved->first != word)
            resolved.emplace(std::string(word), resolve_resource(request, word));
        return resolved->second;
    };
    if (const auto error = check_arguments(*command, args, cl.local, resolve))
        return usage_error(command_usage(help), *error);
    const auto format = parse_output_format(cl.flags.output);
    if (!format) return fail(format.error());
    if (*command == "help") return help_command(args);
    return run(*command, args, *format, cl.local, request, resolve);
}
