#pragma once
// member places: where a member keeps its files, resolved once from the configuration and the
// directory it was started in (home, data dir, log dir, pid file).

#include "daemon/process/pid_file.hpp"

#include <eg/config_loader.hpp>
#include <eg/member_paths.hpp>

#include <filesystem>
#include <string>

namespace eg::server {

struct member_places {
    explicit member_places(const config::effective_config& config,
                           std::filesystem::path started_in = std::filesystem::current_path())
        : working_dir(std::move(started_in)),
          home(config::resolve_home(config, working_dir)),
          data_dir(config::resolve_data_dir(config, working_dir)),
          log_dir(config::resolve_under_home(config.get(config::opt::log_dir), home)),
          pid_path((home / pid_file_name).string()) {}

    // The system log (stdout when there is no log dir) and the admin API's access log.
    std::string system_log() const { return log_dir.empty() ? "" : log_dir + "/stdout.log"; }
    std::string access_log() const { return log_dir.empty() ? "" : log_dir + "/admin_api.log"; }

    std::filesystem::path working_dir;
    std::filesystem::path home;
    std::string data_dir;
    std::string log_dir;
    std::string pid_path;
};

}  // namespace eg::server
