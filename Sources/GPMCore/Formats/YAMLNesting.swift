internal import CYaml

/// The nesting depth of YAML text, measured with libyaml's event parser before anything recursive sees the
/// text: the parser keeps its states on the heap, so no input can exhaust the stack here, and the walk stops
/// at the first level past the limit.
enum YAMLNesting {
    /// Why the text may not be handed to a recursive YAML reader (nested deeper than `limit`, or not YAML
    /// libyaml can read), nil when it may.
    static func problem(_ text: String, limit: Int) -> String? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return "the YAML parser could not start" }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> String? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let reason = parser.problem.map { String(cString: $0) } ?? "not valid YAML"
                    return "\(reason) (line \(parser.problem_mark.line + 1))"
                }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > limit { return "the front matter is nested too deeply" }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }
}
