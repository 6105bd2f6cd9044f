// The one owner of libngspice in a process. The only code that includes sharedspice.h is
// session.cpp. libngspice keeps global state, so exactly one Session may exist at a time
// (a second one throws); parallel work means separate processes. Not copyable, not movable.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace cllnsim::spice {

// A transient in which some voltage or current sources are EXTERNAL: their value (V or A)
// comes from `source_value`.
struct TransientRequest {
  double step = 1e-6;      // print step (ngspice's tstep)
  double stop = 0.0;       // tstop
  double max_step = 1e-6;  // tmax
  // The caller's time at ngspice's t = 0 (a run simulated in segments): messages say both.
  double time_origin = 0.0;
  // Names of EXTERNAL voltage and current sources (instance names as in the netlist, any case:
  // "vin_x1_f", "inoise_3_c"). The callback
  // receives the index into this list and the time; it must be a pure function of time, because
  // ngspice calls it on every Newton iteration, rejected steps included.
  std::vector<std::string> external_sources;
  std::function<double(std::size_t source, double time)> source_value;
  // The first time strictly after `time` where a source has a corner (+infinity if none);
  // ngspice lands a time point exactly on each. Asked lazily, a few corners ahead.
  std::function<double(double time)> next_breakpoint;
  // Vectors handed to `on_point` at every accepted time point, as ngspice names them: a node
  // voltage by its node name ("g0"), a branch current as "vname#branch".
  std::vector<std::string> observed;
  std::function<void(double time, std::span<const double> values)> on_point;
};

// What the loaded libngspice says about itself (`version -f`), not what its header said at build
// time.
struct LibraryInfo {
  std::string version;  // "46", "39" (the number after "ngspice-")
  bool klu = false;     // built with the KLU solver (`.options klu` then selects it)
  bool osdi = true;     // loads compiled devices (`pre_osdi`): 46 does, Debian's 39.3 does not
};

struct TransientStats {
  std::size_t time_points = 0;
  double end_time = 0.0;
};

class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;

  // Replaces any loaded circuit. `lines[0]` is the title line; no `.end` needed.
  void load(const std::vector<std::string>& lines);
  // Runs the transient to `request.stop`; throws cllnsim::Error (simulation_failed) with
  // ngspice's own messages when the circuit fails to converge or ngspice reports an error.
  TransientStats run_transient(const TransientRequest& request);
  // The value of an ngspice expression in the current circuit state, e.g. after a transient
  // "@m.xe0.mfree[gds]" (a device's operating-point parameter at the last time point).
  double evaluate(const std::string& expression);

  // For the quasi-static reference in bench/ (sources changed with `alter` between DC solves):
  // one ngspice command, throwing simulation_error when ngspice reports an error ...
  void command(const std::string& text);
  // ... and one DC operating point (`op`) of the loaded circuit, returning the values of
  // `vectors` (node names as ngspice names them). Its plot is destroyed afterwards, so memory
  // and the cost per solve stay flat over many solves.
  std::vector<double> operating_point(const std::vector<std::string>& vectors);

  // The version of the ngspice cllnsim was built against (its ngspice.pc). What runs is the
  // loaded library: library_info() asks it, and results record that.
  static std::string built_against_version();
  // Asks the loaded library (once per process; later calls return the first answer).
  LibraryInfo library_info();

  // libngspice callbacks reach the object through these (public for the C trampolines only).
  void on_message(const char* text);
  void on_exit(int status, bool unload, bool quit);
  double on_source(const char* name, double time);
  void on_data(double time, const double* values, std::size_t count);
  void on_init_data(const std::vector<std::string>& vector_names);

 private:
  // What ngspice printed during the current operation (the lines kept of it).
  std::span<const std::string> operation_messages() const;
  // ... its error lines, then its last `count` lines, as text for an error message.
  std::string recent_messages(std::size_t count = 12) const;
  void check_not_failed() const;
  void begin_operation();
  bool operation_failed(int status) const;
  [[noreturn]] void fail(const std::string& what) const;
  void send(const std::string& text);
  void register_breakpoints_up_to(double time);

  std::vector<std::string> messages_;  // ngspice's lines, "stdout "/"stderr " removed; bounded
  bool library_failed_ = false;        // set by ControlledExit: the library's state is suspect
  int error_lines_ = 0;                // lines ngspice printed that report an error
  std::size_t message_count_ = 0;      // lines received in total
  std::size_t operation_first_message_ = 0;
  int operation_first_error_ = 0;

  const TransientRequest* active_ = nullptr;  // the running transient, for the callbacks
  std::vector<std::string> sources_lower_;    // external_sources in lower case
  std::string unknown_source_;                // an EXTERNAL source the request does not drive
  std::vector<std::size_t> observed_index_;   // observed[i] -> position in SendData's array
  std::vector<double> observed_values_;
  std::vector<double> pending_breakpoints_;  // given to ngspice, not yet passed
  TransientStats stats_;
};

}  // namespace cllnsim::spice
