#include "daemon/member/initial_objects.hpp"

#include "daemon/cluster/time_text.hpp"
#include "daemon/objects/object_spec.hpp"
#include "daemon/objects/object_store.hpp"

#include <eg/input_limits.hpp>

#include <optional>
#include <thread>

namespace eg::server {
namespace {

// The valid object spec in a file, or nullopt after logging why there is none.
std::optional<nlohmann::json> read_object(const std::string& path, logger& log) {
    const auto file = limits::read_input_file(path, limits::max_object_file_bytes);
    std::string why;
    auto parsed = file.text ? parse_object_body(*file.text, why) : std::nullopt;
    if (!parsed) {
        log.warn("objects", "failed to load initial object, path: " + path +
                                ", error: " + (file.text ? why : file.problem));
        return std::nullopt;
    }
    if (const auto problem = object_problem(*parsed)) {
        log.warn("objects", "failed to create spec for initial object, path: " + path +
                                ", error: " + *problem);
        return std::nullopt;
    }
    return parsed;
}

// Writes the object unless one of its name exists; retries while etcd is unavailable, until
// the deadline.
void write_if_absent(const nlohmann::json& spec, const std::string& path, etcd::kv_store& etcd,
                     logger& log, std::chrono::steady_clock::time_point deadline) {
    const std::string name = spec["name"].get<std::string>();
    while (true) {
        try {
            const std::string stored =
                with_created_at(spec, rfc3339(std::chrono::system_clock::now())).dump();
            if (etcd.put_if_absent(std::string(objects_prefix) + name, stored))
                log.info("objects", "initial object " + name + " created from " + path);
            else
                log.info("objects", "initial object " + name + " already exist in config, skip");
            return;
        } catch (const etcd::error& e) {
            if (!e.unavailable() || std::chrono::steady_clock::now() > deadline) {
                log.warn("objects", "cannot write initial object " + name + ": " + e.what());
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
}

}  // namespace

void create_initial_objects(const std::vector<std::string>& paths, etcd::kv_store& etcd,
                            logger& log, std::chrono::milliseconds settle_for) {
    const auto deadline = std::chrono::steady_clock::now() + settle_for;
    for (const auto& path : paths)
        if (const auto spec = read_object(path, log))
            write_if_absent(*spec, path, etcd, log, deadline);
}

}  // namespace eg::server
