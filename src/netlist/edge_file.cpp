#include "netlist/edge_file.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"

namespace cllnsim::netlist {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

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

class EdgeFileReader {
 public:
  std::vector<std::string> output;
  std::vector<SourceLine> logical;

  void read(const fs::path& file, const SourceLine* included_from) {
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
    for (std::string text; std::getline(stream, text);) {
      ++number;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      handle_line(file, number, text);
    }
    open_files_.erase(fs::weakly_canonical(file));
  }

 private:
  std::set<fs::path> open_files_;

  void handle_line(const fs::path& file, int number, const std::string& text) {
    const std::vector<std::string> words = split_words(text);
    const std::string keyword = words.empty() ? "" : lower(words[0]);
    if (keyword == ".include" || keyword == ".inc") {
      const SourceLine here{file, number, text};
      if (words.size() < 2) throw input_error(where(here) + ": .include names no file");
      fs::path target = unquote(words[1]);
      if (target.is_relative()) target = file.parent_path() / target;
      output.push_back("* ---- begin " + target.lexically_normal().string() + " ----");
      read(target.lexically_normal(), &here);
      output.push_back("* ---- end " + target.lexically_normal().string() + " ----");
      return;
    }
    if (keyword == ".end") return;  // the generated netlist has its own end
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

// The model name a device line refers to, for the devices whose model is positional.
std::string model_of(const std::vector<std::string>& words) {
  const char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(words[0][0])));
  if (kind == 'm' && words.size() > 5) return lower(words[5]);
  if (kind == 'd' && words.size() > 3) return lower(words[3]);
  return "";
}

}  // namespace

EdgeDefinition read_edge_file(const fs::path& file, const std::string& subckt) {
  EdgeFileReader reader;
  reader.read(file, nullptr);

  EdgeDefinition edge{file, lower(subckt), reader.output, {}, ""};
  std::set<std::string> models;
  for (const SourceLine& line : reader.logical) {
    const auto words = split_words(line.text);
    if (lower(words[0]) == ".model" && words.size() > 1) models.insert(lower(words[1]));
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
      if (ports != kEdgePorts) {
        throw input_error(where(line) + ": .subckt " + subckt + " has ports '" + join(ports) +
                          "', expected exactly '" + join(kEdgePorts) +
                          "' in this order (the cllnsim edge interface)");
      }
      edge.params =
          parse_params(words, i < words.size() && lower(words[i]) == "params:" ? i + 1 : i);
    } else if (keyword == ".ends") {
      inside = false;
    } else if (inside) {
      const std::string model = model_of(words);
      if (!model.empty() && !models.count(model)) {
        throw input_error(where(line) + ": device " + words[0] + " uses model '" + model +
                          "', but no .model line defines it (in " + file.string() +
                          " or the files it includes)");
      }
      const char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(words[0][0])));
      if (kind == 'm' && words.size() > 3 && edge.free_transistor.empty()) {
        const std::string drain = lower(words[1]), source = lower(words[3]);
        if ((drain == "fa" && source == "fb") || (drain == "fb" && source == "fa")) {
          edge.free_transistor = lower(words[0]);
        }
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
