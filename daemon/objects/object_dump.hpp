#pragma once
// object dump: <home>/running_objects.json, this member's copy of every object as upstream
// writes it ({"<name>": "<spec as a JSON string>"}), the previous copy kept as
// running_objects.bak.json. Rewritten when the objects change and at least every interval,
// never when unchanged, never before any object existed; written to a temporary file and
// renamed, so a crash never leaves a torn file.

#include "daemon/etcd/prefix_view.hpp"
#include "daemon/process/logger.hpp"
#include "daemon/process/worker.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace eg::server {

class object_dump {
public:
    object_dump(std::filesystem::path home, std::chrono::milliseconds interval, logger& log)
        : home_(std::move(home)), interval_(interval), log_(log) {}
    ~object_dump() { stop(); }
    object_dump(const object_dump&) = delete;
    object_dump& operator=(const object_dump&) = delete;

    void start(const etcd::prefix_view& objects) {
        if (worker_.running()) return;
        objects_ = &objects;
        // A dump left by an earlier run counts as written: it is replaced only when the objects
        // differ from it (e.g. deleted while this member was down), never rewritten unchanged.
        std::ifstream previous(home_ / "running_objects.json");
        if (previous) {
            last_.assign(std::istreambuf_iterator<char>(previous), {});
            ever_had_objects_ = true;
        }
        worker_.start([this] { run(); });
    }
    void stop() { worker_.stop(); }
    // The objects changed: dump soon.
    void changed() { worker_.wake(); }

    // The dump's content for a snapshot of the objects view.
    static std::string content(const std::map<std::string, etcd::key_value>& objects) {
        nlohmann::ordered_json dump = nlohmann::ordered_json::object();
        for (const auto& [key, entry] : objects) dump[key.substr(key.rfind('/') + 1)] = entry.value;
        return dump.dump();
    }

private:
    void run() {
        while (worker_.pause_for(interval_) != worker::pause_end::stopping) {
            if (!objects_->synced()) continue;
            const auto snapshot = objects_->snapshot();
            if (snapshot.empty() && !ever_had_objects_) continue;
            ever_had_objects_ = true;
            const std::string text = content(snapshot);
            if (text == last_) continue;
            if (write(text)) last_ = text;
        }
    }

    bool write(const std::string& text) {
        const auto file = home_ / "running_objects.json";
        const auto backup = home_ / "running_objects.bak.json";
        const auto temporary = home_ / "running_objects.json.tmp";
        {
            std::ofstream out(temporary, std::ios::trunc);
            out << text;
            out.flush();
            if (!out) {
                log_.warn("objects", "cannot write " + temporary.string());
                return false;
            }
        }
        std::error_code ec;
        if (std::filesystem::exists(file)) std::filesystem::rename(file, backup, ec);
        std::filesystem::rename(temporary, file, ec);
        if (ec) {
            log_.warn("objects", "cannot write " + file.string() + ": " + ec.message());
            return false;
        }
        return true;
    }

    std::filesystem::path home_;
    std::chrono::milliseconds interval_;
    logger& log_;
    const etcd::prefix_view* objects_ = nullptr;
    bool ever_had_objects_ = false;  // these two: on the worker's thread only, once started
    std::string last_;
    worker worker_{"object-dump"};
};

}  // namespace eg::server
