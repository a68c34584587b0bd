#include "daemon/etcd/kv_store.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/StreamCopier.h>

#include <cstdio>
#include <sstream>

namespace eg::server::etcd {

std::string base64(std::string_view bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    encoder.close();
    return out.str();
}

std::string unbase64(std::string_view text) {
    std::istringstream in{std::string(text)};
    Poco::Base64Decoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

std::string prefix_end(std::string_view prefix) {
    std::string end(prefix);
    while (!end.empty()) {
        auto& last = reinterpret_cast<unsigned char&>(end.back());
        if (last < 0xff) {
            ++last;
            return end;
        }
        end.pop_back();
    }
    return std::string(1, '\0');  // every key
}

std::uint64_t as_u64(const json& object, const char* field) {
    if (!object.is_object() || !object.contains(field)) return 0;
    const auto& v = object[field];
    if (v.is_string()) return std::stoull(v.get<std::string>());
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer()) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    return 0;
}

std::int64_t as_i64(const json& object, const char* field) {
    if (!object.is_object() || !object.contains(field)) return 0;
    const auto& v = object[field];
    if (v.is_string()) return std::stoll(v.get<std::string>());
    if (v.is_number_integer()) return v.get<std::int64_t>();
    return 0;
}

key_value key_value_from(const json& kv) {
    key_value out;
    if (kv.contains("key")) out.key = unbase64(kv["key"].get<std::string>());
    if (kv.contains("value")) out.value = unbase64(kv["value"].get<std::string>());
    out.create_revision = as_i64(kv, "create_revision");
    out.mod_revision = as_i64(kv, "mod_revision");
    out.version = as_i64(kv, "version");
    out.lease = as_u64(kv, "lease");
    return out;
}

std::string hex_id(std::uint64_t id) {
    char text[17];
    std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(id));
    return text;
}

}  // namespace eg::server::etcd
