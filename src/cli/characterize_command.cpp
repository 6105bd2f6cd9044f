#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "characterize/bench_config.h"
#include "characterize/characterize.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "core/error.h"
#include "spice/session.h"

namespace po = boost::program_options;

namespace cllnsim::cli {
namespace {

const char* const kCharacterizeUsage =
    "usage: cllnsim characterize EDGE_CONFIG --out DIR [--set PATH=VALUE]... [--no-plot] "
    "[--quiet]\n"
    "Measures an edge's learning-rule map on a single-edge bench in ngspice: the gate's rate of\n"
    "change over a grid of free and clamped drops, common-mode and gate voltages, with learning\n"
    "on and off, compared with the ideal rule. Writes rule_map.csv, report.json and\n"
    "rule_map.png into DIR. Exit code 1 when the edge fails the config's `spec`.\n"
    "examples (from the repository's root):\n"
    "  build/cllnsim characterize configs/edges/nmos_rule.json --out runs/char-nmos_rule\n"
    "  build/cllnsim characterize configs/edges/nmos_rule.json --out runs/char-coarse\n"
    "      --set grid.drop_volts.count=5 --no-plot --quiet\n";

void print_summary(const characterize::BenchConfig& config,
                   const characterize::Characterization& result) {
  const auto& s = result.summary;
  const auto format_number = [](double value) {
    std::ostringstream text;
    text.precision(4);
    text << value;
    return text.str();
  };
  std::cout << "edge " << config.name << " (" << config.edge.subckt
            << "): " << result.measurements.size() << " points, " << result.transients
            << " transients, " << result.time_points << " time points, " << result.wall_seconds
            << " s\n"
            << "  gain " << format_number(s.fit.gain) << " V/s per V^2, offset "
            << format_number(s.fit.offset) << " V/s (contrast " << format_number(s.offset_v2)
            << " V^2)\n"
            << "  sign agreement " << format_number(s.sign_agreement) << " over " << s.sign_points
            << " points with |C| >= " << format_number(s.sign_threshold_v2) << " V^2; dead zone "
            << format_number(s.dead_zone_v2) << " V^2\n"
            << "  asymmetry " << format_number(s.asymmetry) << ", common-mode gain spread "
            << format_number(s.common_mode_gain_spread) << ", gate gain spread "
            << format_number(s.gate_gain_spread) << ", max droop " << format_number(s.max_abs_droop)
            << " V/s\n"
            << "  learn pulse at zero contrast: gate step " << format_number(s.pulse.mean_step)
            << " V mean (switching " << format_number(s.pulse.switching_step) << " V), "
            << format_number(s.pulse.max_abs_step) << " V max ("
            << format_number(s.pulse.equivalent_offset_v2) << " V^2 equivalent offset)\n";
  for (const auto& finding : result.findings) std::cout << "  finding: " << finding << "\n";
  for (const auto& item : result.spec) {
    std::cout << "  spec " << item.item << ": measured " << format_number(item.measured)
              << ", limit " << format_number(item.limit) << (item.met ? ": met" : ": FAILED")
              << (item.met ? "" : " (" + item.why + ")") << "\n";
  }
}

}  // namespace

int characterize_command(const std::vector<std::string>& args) {
  po::options_description options("characterize options");
  options.add_options()("out", po::value<std::string>(),
                        "output folder (rule_map.csv, report.json, rule_map.png)")(
      "no-plot", "do not draw rule_map.png")("quiet,q", "no progress on stderr");
  const auto parsed = parse_command_line(args, options, kCharacterizeUsage);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (!vm.count("out")) throw input_error("characterize needs --out DIR (see --help)");
  const auto config =
      characterize::load_bench_config(vm["config"].as<std::string>(), overrides_of(vm));
  const auto edge = characterize::load_edge(config);
  const std::filesystem::path out = vm["out"].as<std::string>();

  ProgressLine line(progress_mode(vm.count("quiet") > 0), std::cerr);
  spice::Session session;
  const auto started = std::chrono::steady_clock::now();
  const auto result =
      characterize::characterize(config, edge, session, [&](std::size_t done, std::size_t total) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::string text = "bench netlist " + std::to_string(done) + "/" + std::to_string(total) +
                           "  elapsed " + format_duration(elapsed);
        if (done < total) {
          text += "  ETA " + format_duration(elapsed / static_cast<double>(done) *
                                             static_cast<double>(total - done));
        }
        line.update(text);
        if (done == total) line.finish();
      });
  characterize::write_characterization(out, config, result);
  if (!vm.count("no-plot")) {
    const std::string complaint = run_plot_script("plot_characterize.py", out);
    if (!complaint.empty()) {
      std::cerr << "cllnsim: warning: " << out.string() << "/rule_map.png not drawn: " << complaint
                << "\n";
    }
  }
  print_summary(config, result);
  std::cout << "  outputs: " << out.string() << "\n";
  if (!result.meets_spec()) {
    std::cout << "edge " << config.name << " does NOT meet its spec\n";
    return 1;
  }
  return 0;
}

}  // namespace cllnsim::cli
