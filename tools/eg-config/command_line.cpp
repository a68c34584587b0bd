// Reading a subcommand's arguments with cxxopts, so that every usage problem comes back as the
// argument it is about instead of cxxopts' own exception text.

#include "command.hpp"

#include <cxxopts.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace eg::tools {

namespace {

std::string long_name(const flag& f) {
    const std::string names = f.names;
    const auto comma = names.find(',');
    return comma == std::string::npos ? names : names.substr(comma + 1);
}

// The first "--name=value" whose flag takes no value: cxxopts refuses the value.
std::size_t valued_switch(const std::vector<flag>& flags, const arguments& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        const auto equals = a.find('=');
        if (a.rfind("--", 0) != 0 || equals == std::string::npos) continue;
        const auto name = a.substr(2, equals - 2);
        for (const auto& f : flags)
            if (!f.takes_value && long_name(f) == name) return i;
    }
    return args.size() - 1;
}

parsed_arguments parse_flags(const std::vector<flag>& flags, const arguments& args) {
    cxxopts::Options options("eg-config");
    options.allow_unrecognised_options();
    auto add = options.add_options();
    for (const auto& f : flags) {
        if (f.takes_value)
            add(f.names, "", cxxopts::value<std::string>());
        else
            add(f.names, "");
    }
    std::vector<const char*> argv{"eg-config"};
    for (const auto& a : args) argv.push_back(a.c_str());
    parsed_arguments out;
    try {
        const auto result = options.parse(static_cast<int>(argv.size()), argv.data());
        for (const auto& f : flags) {
            const auto name = long_name(f);
            if (result.count(name) == 0) continue;
            if (f.takes_value)
                out.values[name] = result[name].as<std::string>();
            else if (result[name].as<bool>())
                out.values[name] = "true";
        }
        for (const auto& a : result.unmatched()) {
            if (!a.empty() && a[0] == '-') {
                out.error = parsed_arguments::problem::unknown_flag;
                out.where = a;
                break;
            }
            out.operands.push_back(a);
        }
    } catch (const cxxopts::exceptions::missing_argument&) {
        // Only the last argument can miss its value: the arguments before it are checked first.
        out = parse_flags(flags, arguments(args.begin(), args.end() - 1));
        if (out.error == parsed_arguments::problem::none) {
            out.error = parsed_arguments::problem::missing_value;
            out.where = args.back();
        }
    } catch (const cxxopts::exceptions::parsing&) {
        const auto at = valued_switch(flags, args);
        out = parse_flags(flags, arguments(args.begin(), args.begin() + std::ptrdiff_t(at)));
        if (out.error == parsed_arguments::problem::none) {
            out.error = parsed_arguments::problem::unknown_flag;
            out.where = args[at];
        }
    }
    return out;
}

}  // namespace

parsed_arguments parse_arguments(const std::vector<flag>& flags, const arguments& args,
                                 bool separator_allowed) {
    const auto separator = std::find(args.begin(), args.end(), "--");
    auto out = parse_flags(flags, arguments(args.begin(), separator));
    if (separator == args.end() || out.error != parsed_arguments::problem::none) return out;
    if (separator_allowed) {
        out.after_separator.assign(separator + 1, args.end());
    } else {
        out.error = parsed_arguments::problem::unknown_flag;
        out.where = "--";
    }
    return out;
}

}  // namespace eg::tools
