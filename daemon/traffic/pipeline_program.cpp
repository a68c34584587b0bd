#include "daemon/traffic/pipeline_program.hpp"

#include "daemon/traffic/spec_fields.hpp"

namespace eg::server {

std::shared_ptr<const pipeline_program> pipeline_program::build(
    const nlohmann::json& pipeline_spec) {
    auto program = std::make_shared<pipeline_program>();
    std::vector<std::string> problems;
    spec_fields fields(problems);
    struct built {
        kind k;
        std::size_t index;
    };
    std::map<std::string, built, std::less<>> filters;  // name -> filter
    std::vector<std::string> order;                     // names, in `filters` order
    if (!pipeline_spec.is_object()) fields.problem("", "the Pipeline's spec is not a mapping");
    const auto* list = fields.list(pipeline_spec, "filters", "");
    if (list == nullptr && pipeline_spec.is_object() &&
        spec_fields::find(pipeline_spec, "filters") == nullptr)
        fields.problem("filters", "is missing");
    for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
        const auto where = spec_fields::item("filters", i);
        const auto& spec = (*list)[i];
        if (!spec.is_object()) {
            fields.problem(where, "is not a mapping");
            continue;
        }
        const auto name = fields.string(spec, "name", where).value_or("");
        const auto kind_name = fields.string(spec, "kind", where).value_or("");
        if (name.empty() || name == "END" || filters.count(name) > 0) {
            fields.problem(spec_fields::field(where, "name"),
                           name.empty() ? "is missing" : "'" + name + "' cannot name a filter");
            continue;
        }
        const auto with_problems = [&](const std::vector<std::string>& found) {
            for (const auto& p : found) fields.problem(where, p);
        };
        if (kind_name == "Mock") {
            auto mock = mock_filter::build(spec);
            with_problems(mock->problems());
            filters.emplace(name, built{kind::mock, program->mocks_.size()});
            program->mocks_.push_back(std::move(mock));
        } else if (kind_name == "Proxy") {
            auto proxy = proxy_filter::build(spec);
            with_problems(proxy->problems());
            filters.emplace(name, built{kind::proxy, program->proxies_.size()});
            program->proxies_.push_back(std::move(proxy));
        } else {
            fields.problem(where, "filter '" + name + "' of kind '" + kind_name +
                                      "': the kind is not supported by the traffic plane");
            continue;
        }
        order.push_back(name);
    }

    // The flow: its steps, or every filter once.
    const auto* flow = fields.list(pipeline_spec, "flow", "");
    if (flow == nullptr || flow->empty()) {
        for (const auto& name : order) {
            node n;
            n.filter_name = n.alias = name;
            n.k = filters.at(name).k;
            n.filter = filters.at(name).index;
            program->nodes_.push_back(std::move(n));
        }
    } else {
        std::vector<const nlohmann::json*> jump_specs;
        for (std::size_t i = 0; i < flow->size(); ++i) {
            const auto where = spec_fields::item("flow", i);
            const auto& spec = (*flow)[i];
            node n;
            jump_specs.push_back(nullptr);
            if (!spec.is_object()) {
                fields.problem(where, "is not a mapping");
                n.is_end = true;
                program->nodes_.push_back(std::move(n));
                continue;
            }
            n.filter_name = fields.string(spec, "filter", where).value_or("");
            n.alias = fields.string(spec, "alias", where).value_or("");
            if (n.alias.empty()) n.alias = n.filter_name;
            n.name_space = fields.string(spec, "namespace", where).value_or("");
            jump_specs.back() = fields.mapping(spec, "jumpIf", where);
            if (n.filter_name == "END") {
                n.is_end = true;
            } else if (const auto found = filters.find(n.filter_name); found != filters.end()) {
                n.k = found->second.k;
                n.filter = found->second.index;
            } else {
                fields.problem(spec_fields::field(where, "filter"),
                               "'" + n.filter_name + "' is no filter of the Pipeline");
                n.is_end = true;
            }
            program->nodes_.push_back(std::move(n));
        }
        for (std::size_t i = 0; i < program->nodes_.size(); ++i) {
            if (jump_specs[i] == nullptr) continue;
            const auto where = spec_fields::field(spec_fields::item("flow", i), "jumpIf");
            for (auto it = jump_specs[i]->begin(); it != jump_specs[i]->end(); ++it) {
                if (!it.value().is_string()) {
                    fields.problem(spec_fields::field(where, it.key()), "is not a string");
                    continue;
                }
                const auto target = it.value().get<std::string>();
                std::size_t position = end;
                if (target != "END") {
                    for (std::size_t j = i + 1; j < program->nodes_.size(); ++j)
                        if (program->nodes_[j].alias == target) {
                            position = j;
                            break;
                        }
                    if (position == end)
                        fields.problem(spec_fields::field(where, it.key()),
                                       "target '" + target + "' is no later step of the flow");
                }
                program->nodes_[i].jumps.emplace(it.key(), position);
            }
        }
    }
    for (const auto& p : problems)
        program->error_.append(program->error_.empty() ? "" : "; ").append(p);
    return program;
}

std::optional<pipeline_program::step> pipeline_program::at(std::size_t position) const {
    if (!error_.empty() || position >= nodes_.size() || nodes_[position].is_end)
        return std::nullopt;
    return step{nodes_[position].k, nodes_[position].filter, position};
}

std::optional<pipeline_program::step> pipeline_program::start() const { return at(0); }

std::optional<pipeline_program::step> pipeline_program::next(const step& current,
                                                             std::string_view result) const {
    if (current.node >= nodes_.size()) return std::nullopt;
    const auto& n = nodes_[current.node];
    if (const auto jump = n.jumps.find(result); jump != n.jumps.end()) return at(jump->second);
    if (!result.empty()) return std::nullopt;
    return at(current.node + 1);
}

}  // namespace eg::server
