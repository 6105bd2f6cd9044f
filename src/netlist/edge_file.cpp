#include "netlist/edge_file.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "netlist/spice_words.h"

namespace cllnsim::netlist {
namespace {

namespace fs = std::filesystem;

std::string unquote(std::string text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// A logical SPICE line: its '+' continuations joined, with where it started.
struct SourceLine {
  fs::path file;
  int line_number = 0;
  std::string text;
};

std::string where(const SourceLine& line) {
  return line.file.string() + ":" + std::to_string(line.line_number);
}

// The absolute path of the library a `pre_osdi FILE` line names, FILE relative to the edge
// file's folder; it must exist.
std::string device_library(const SourceLine& line, const std::vector<std::string>& words) {
  if (words.size() != 2) throw input_error(where(line) + ": pre_osdi needs exactly one file");
  fs::path library = unquote(words[1]);
  if (library.is_relative()) library = line.file.parent_path() / library;
  library = fs::absolute(library).lexically_normal();
  std::error_code ignored;
  if (!fs::is_regular_file(library, ignored)) {
    throw input_error(where(line) + ": compiled device " + library.string() +
                      " does not exist (the shipped one is built by cmake --build, target "
                      "cl_learn_rule_osdi)");
  }
  return library.string();
}

class EdgeFileReader {
 public:
  std::vector<std::string> output;
  std::vector<SourceLine> logical;
  std::vector<std::string> compiled_devices;  // the libraries `pre_osdi` lines load

  // Reads `file` whole, or only its `.lib section` ... `.endl` block when `section` is given.
  void read(const fs::path& file, const SourceLine* included_from,
            const std::string& section = "") {
    // Only regular files: a folder reads as empty, and /dev/zero or a FIFO never ends.
    std::error_code ignored;
    const bool regular = fs::is_regular_file(file, ignored);
    std::ifstream stream;
    if (regular) stream.open(file);
    if (!stream.is_open()) {
      const std::string reason = !fs::exists(file, ignored) ? "does not exist"
                                 : regular                  ? "cannot be read"
                                                            : "is not a regular file";
      if (included_from) {
        throw input_error(where(*included_from) + ": included file " + file.string() + " " +
                          reason);
      }
      throw input_error("edge file " + file.string() + " " + reason);
    }
    if (!open_files_.insert(fs::weakly_canonical(file)).second) {
      throw input_error(where(*included_from) + ": " + file.string() + " includes itself");
    }
    int number = 0;
    bool in_section = section.empty();
    bool section_found = false;
    for (std::string text; std::getline(stream, text);) {
      ++number;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      const std::vector<std::string> words = split_words(text);
      const std::string keyword = words.empty() ? "" : lower(words[0]);
      // Section markers (`.lib NAME`, `.endl`) delimit blocks; they are not netlist lines.
      if (keyword == ".lib" && words.size() == 2) {
        if (!section.empty() && lower(words[1]) == lower(section))
          in_section = section_found = true;
        continue;
      }
      if (keyword == ".endl") {
        if (!section.empty()) in_section = false;
        continue;
      }
      if (in_section) handle_line(file, number, text);
    }
    open_files_.erase(fs::weakly_canonical(file));
    if (!section.empty() && !section_found) {
      throw input_error(where(*included_from) + ": " + file.string() + " has no section '" +
                        section + "' (a line '.lib " + section + "' ... '.endl')");
    }
  }

 private:
  std::set<fs::path> open_files_;

  void handle_line(const fs::path& file, int number, const std::string& text) {
    const std::vector<std::string> words = split_words(text);
    const std::string keyword = words.empty() ? "" : lower(words[0]);
    // `.include FILE` inlines the file; `.lib FILE SECTION` inlines one section of it. Both
    // resolve a relative FILE against the including file's folder.
    const bool library = keyword == ".lib" && words.size() >= 3;
    if (keyword == ".include" || keyword == ".inc" || library) {
      const SourceLine here{file, number, text};
      if (words.size() < 2) throw input_error(where(here) + ": .include names no file");
      fs::path target = unquote(words[1]);
      if (target.is_relative()) target = file.parent_path() / target;
      const std::string section = library ? unquote(words[2]) : "";
      const std::string shown =
          target.lexically_normal().string() + (library ? " section " + section : "");
      output.push_back("* ---- begin " + shown + " ----");
      read(target.lexically_normal(), &here, section);
      output.push_back("* ---- end " + shown + " ----");
      return;
    }
    if (keyword == ".end") return;  // the generated netlist has its own end
    // `pre_osdi FILE` (in a .control block) loads a compiled device before the circuit is
    // parsed; ngspice would resolve FILE against the netlist's folder, so it is made absolute.
    if (keyword == "pre_osdi") {
      compiled_devices.push_back(device_library(SourceLine{file, number, text}, words));
      output.push_back("pre_osdi " + compiled_devices.back());
      return;
    }
    output.push_back(text);
    if (!words.empty() && words[0][0] == '+' && !logical.empty()) {
      logical.back().text += " " + text.substr(text.find('+') + 1);
    } else if (!words.empty() && words[0][0] != '*') {
      logical.push_back({file, number, text});
    }
  }
};

// "name=value" pairs after "params:" on a .subckt line.
std::map<std::string, std::string> parse_params(const std::vector<std::string>& words,
                                                std::size_t first) {
  std::map<std::string, std::string> params;
  std::string joined;
  for (std::size_t i = first; i < words.size(); ++i) joined += words[i] + " ";
  std::replace(joined.begin(), joined.end(), '=', ' ');
  const std::vector<std::string> tokens = split_words(joined);
  for (std::size_t i = 0; i + 1 < tokens.size(); i += 2) params[lower(tokens[i])] = tokens[i + 1];
  return params;
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

char device_kind(const std::vector<std::string>& words) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(words[0][0])));
}

// The model name a device line refers to, for the devices whose model is positional:
// MOSFET (m d g s b MODEL), diode (d a k MODEL), JFET (j d g s MODEL), voltage- and
// current-controlled switches (s n+ n- nc+ nc- MODEL, w n+ n- vctrl MODEL).
std::string model_of(const std::vector<std::string>& words) {
  static const std::map<char, std::size_t> kModelPosition = {
      {'m', 5}, {'d', 3}, {'j', 4}, {'s', 5}, {'w', 4}};
  const auto position = kModelPosition.find(device_kind(words));
  if (position == kModelPosition.end() || words.size() <= position->second) return "";
  return lower(words[position->second]);
}

// The subcircuit an instance line (x n1 n2 ... NAME [params]) calls.
std::string subckt_of(const std::vector<std::string>& words) {
  if (device_kind(words) != 'x') return "";
  std::string name;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (lower(words[i]) == "params:" || words[i].find('=') != std::string::npos) break;
    name = lower(words[i]);
  }
  return name;
}

}  // namespace

EdgeDefinition read_edge_file(const fs::path& file, const std::string& subckt) {
  EdgeFileReader reader;
  reader.read(file, nullptr);

  EdgeDefinition edge{
      file,  lower(subckt), reader.output,          {}, "", "", {}, {}, EdgeInterface::twin,
      false, false,         reader.compiled_devices};
  std::set<std::string> subckts;
  for (const SourceLine& line : reader.logical) {
    const auto words = split_words(line.text);
    if (lower(words[0]) == ".model" && words.size() > 1) edge.models[lower(words[1])] = line.text;
    if (lower(words[0]) == ".subckt" && words.size() > 1) subckts.insert(lower(words[1]));
  }

  bool inside = false;
  bool found = false;
  for (const SourceLine& line : reader.logical) {
    const auto words = split_words(line.text);
    const std::string keyword = lower(words[0]);
    if (keyword == ".subckt" && words.size() > 1 && lower(words[1]) == edge.subckt) {
      found = inside = true;
      std::vector<std::string> ports;
      std::size_t i = 2;
      for (; i < words.size() && lower(words[i]) != "params:" &&
             words[i].find('=') == std::string::npos;
           ++i) {
        ports.push_back(lower(words[i]));
      }
      if (ports == kTimeMultiplexedEdgePorts) {
        edge.interface = EdgeInterface::time_multiplexed;
        edge.has_polarity = true;
      } else {
        const std::vector<std::string> declared = ports;
        edge.has_polarity = ports.size() == kEdgePorts.size() + 1 && ports.back() == kPolarityPort;
        if (edge.has_polarity) ports.pop_back();
        if (ports == kFreqpropEdgePorts) {
          edge.interface = EdgeInterface::frequency_propagation;
        } else if (ports != kEdgePorts) {
          throw input_error(
              where(line) + ": .subckt " + subckt + " has ports '" + join(declared) +
              "', expected exactly '" + join(kEdgePorts) + "' (optionally followed by '" +
              kPolarityPort + "'; the twin-edge interface), '" + join(kFreqpropEdgePorts) +
              "' (the frequency-propagation interface) or '" + join(kTimeMultiplexedEdgePorts) +
              "' (the time-multiplexed interface), in this order");
        }
      }
      edge.params =
          parse_params(words, i < words.size() && lower(words[i]) == "params:" ? i + 1 : i);
    } else if (keyword == ".ends") {
      inside = false;
    } else if (keyword[0] != '.') {
      // Every device of the file, inside the edge or in the parts' subcircuits it calls.
      const std::string model = model_of(words);
      if (!model.empty() && !edge.models.count(model)) {
        throw input_error(where(line) + ": device " + words[0] + " uses model '" + model +
                          "', but no .model line defines it (in " + file.string() +
                          " or the files it includes)");
      }
      const std::string called = subckt_of(words);
      if (!called.empty() && !subckts.count(called)) {
        throw input_error(where(line) + ": instance " + words[0] + " calls subcircuit '" + called +
                          "', but no .subckt defines it (in " + file.string() +
                          " or the files it includes)");
      }
      if (inside && lower(words[0]) == kConductanceResistor) edge.has_conductance_resistor = true;
      if (inside && device_kind(words) == 'm' && words.size() > 3) {
        const std::string name = lower(words[0]);
        if (!model.empty()) edge.transistor_models[name] = model;
        const auto joins = [&](const char* a, const char* b) {
          const std::string drain = lower(words[1]), source = lower(words[3]);
          return (drain == a && source == b) || (drain == b && source == a);
        };
        if (joins("fa", "fb") && edge.free_transistor.empty()) edge.free_transistor = name;
        if (joins("ca", "cb") && edge.clamped_transistor.empty()) edge.clamped_transistor = name;
      }
    }
  }
  if (!found) {
    throw input_error("edge file " + file.string() + " defines no subcircuit '" + subckt +
                      "' (a line '.subckt " + subckt + " " + join(kEdgePorts) + " ...')");
  }
  return edge;
}

void check_edge_params(const EdgeDefinition& edge, const std::map<std::string, double>& params,
                       const std::string& json_path) {
  for (const auto& [name, value] : params) {
    if (!edge.params.count(lower(name))) {
      std::string declared;
      for (const auto& [known, unused] : edge.params) declared += " " + known;
      throw input_error(json_path + "." + name + ": the edge subcircuit '" + edge.subckt + "' in " +
                        edge.file.string() + " declares no parameter '" + name +
                        "' (it declares:" + declared + ")");
    }
  }
}

}  // namespace cllnsim::netlist
