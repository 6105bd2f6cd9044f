#include "spice/session.h"

#include <ngspice/sharedspice.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <clocale>
#include <cmath>
#include <cstring>
#include <optional>
#include <span>
#include <sstream>
#include <unordered_map>

#include "core/error.h"

namespace cllnsim::spice {
namespace {

// libngspice keeps global state and its callbacks carry no per-instance context we can trust
// across re-initialisation, so the one live Session is reached through this pointer.
std::atomic<Session*> live_session{nullptr};
bool library_initialised = false;

constexpr std::size_t kMaxKeptMessages = 2000;
// ngspice copies each command into a 1024-byte buffer; longer commands are cut silently.
constexpr std::size_t kMaxCommandLength = 1000;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_error_message(const std::string& line) {
  const std::string text = lower(line);
  return text.rfind("error", 0) == 0 || text.find("timestep too small") != std::string::npos ||
         text.find("singular matrix") != std::string::npos ||
         text.find("could not find") != std::string::npos ||
         text.find("unable to find definition") != std::string::npos ||
         text.find("simulation(s) aborted") != std::string::npos ||
         text.find("no such vector") != std::string::npos;
}

// ngspice parses and prints numbers in the C locale; force it for the duration of every call.
class CLocaleGuard {
 public:
  CLocaleGuard() : previous_(std::setlocale(LC_NUMERIC, nullptr)) {
    std::setlocale(LC_NUMERIC, "C");
  }
  ~CLocaleGuard() { std::setlocale(LC_NUMERIC, previous_.c_str()); }
  CLocaleGuard(const CLocaleGuard&) = delete;
  CLocaleGuard& operator=(const CLocaleGuard&) = delete;

 private:
  std::string previous_;
};

int on_send_char(char* text, int, void*) {
  if (Session* session = live_session.load()) session->on_message(text);
  return 0;
}

int on_send_stat(char*, int, void*) { return 0; }

int on_controlled_exit(int status, NG_BOOL unload, NG_BOOL quit, int, void*) {
  if (Session* session = live_session.load()) session->on_exit(status, unload, quit);
  return 0;
}

int on_send_data(pvecvaluesall data, int, int, void*) {
  Session* session = live_session.load();
  if (!session || !data || data->veccount <= 0) return 0;
  thread_local std::vector<double> values;
  values.resize(static_cast<std::size_t>(data->veccount));
  double time = 0.0;
  for (int i = 0; i < data->veccount; ++i) {
    values[static_cast<std::size_t>(i)] = data->vecsa[i]->creal;
    if (data->vecsa[i]->is_scale) time = data->vecsa[i]->creal;
  }
  session->on_data(time, values.data(), values.size());
  return 0;
}

int on_send_init_data(pvecinfoall info, int, void*) {
  Session* session = live_session.load();
  if (!session || !info) return 0;
  std::vector<std::string> names;
  for (int i = 0; i < info->veccount; ++i) names.emplace_back(info->vecs[i]->vecname);
  session->on_init_data(names);
  return 0;
}

int on_bg_thread_running(NG_BOOL, int, void*) { return 0; }

// EXTERNAL voltage and current sources: both callbacks receive the source's instance name.
int on_get_source_data(double* value, double time, char* name, int, void*) {
  Session* session = live_session.load();
  *value = session ? session->on_source(name, time) : 0.0;
  return 0;
}

}  // namespace

Session::Session() {
  Session* expected = nullptr;
  if (!live_session.compare_exchange_strong(expected, this)) {
    throw std::logic_error(
        "cllnsim: a second spice::Session in one process (libngspice is global)");
  }
  if (!library_initialised) {
    CLocaleGuard locale;
    ngSpice_Init(on_send_char, on_send_stat, on_controlled_exit, on_send_data, on_send_init_data,
                 on_bg_thread_running, nullptr);
    // EXTERNAL sources need a non-null GetVSRCData (voltage) or GetISRCData (current) callback,
    // or ngspice exits at `tran`.
    int ident = 0;
    ngSpice_Init_Sync(on_get_source_data, on_get_source_data, nullptr, &ident, nullptr);
    library_initialised = true;
  }
}

Session::~Session() {
  if (!library_failed_) {
    CLocaleGuard locale;
    ngSpice_Command(const_cast<char*>("destroy all"));
    ngSpice_Command(const_cast<char*>("remcirc"));
  }
  live_session.store(nullptr);
}

std::string Session::built_against_version() { return CLLNSIM_NGSPICE_BUILD_VERSION; }

std::span<const std::string> Session::operation_messages() const {
  const std::size_t lines =
      std::min<std::size_t>(message_count_ - operation_first_message_, messages_.size());
  return std::span<const std::string>(messages_).last(lines);
}

LibraryInfo Session::library_info() {
  static std::optional<LibraryInfo> known;
  if (known) return *known;
  send("version -f");
  // Only the lines of this command: "** ngspice-46 : Circuit level simulation program" and,
  // when built with it, "** Compiled with KLU Direct Linear Solver" (ngspice 39 has no KLU
  // and ignores `.options klu` without a word).
  LibraryInfo info;
  for (const std::string& line : operation_messages()) {
    const std::size_t at = line.find("ngspice-");
    if (info.version.empty() && at != std::string::npos) {
      std::size_t end = at + 8;
      while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
      info.version = line.substr(at + 8, end - at - 8);
    }
    if (line.find("Compiled with KLU") != std::string::npos) info.klu = true;
  }
  if (info.version.empty()) fail("libngspice's 'version -f' did not name its version");
  // `version -f` does not say whether OSDI was compiled in; the command does. Without
  // arguments 46 answers "osdi: too few args.", a build without it "osdi: no such command
  // available in ngspice".
  send("osdi");
  for (const std::string& line : operation_messages()) {
    if (line.find("no such command") != std::string::npos) info.osdi = false;
  }
  known = info;
  return info;
}

void Session::on_message(const char* text) {
  std::string line = text ? text : "";
  for (const char* prefix : {"stdout ", "stderr "}) {
    if (line.rfind(prefix, 0) == 0) line.erase(0, std::strlen(prefix));
  }
  if (is_error_message(line)) ++error_lines_;
  if (messages_.size() >= kMaxKeptMessages) {
    messages_.erase(messages_.begin(), messages_.begin() + kMaxKeptMessages / 2);
  }
  messages_.push_back(std::move(line));
  ++message_count_;
}

void Session::on_exit(int status, bool unload, bool quit) {
  library_failed_ = true;
  std::ostringstream note;
  note << "ngspice requested exit (status " << status << (unload ? ", unload" : "")
       << (quit ? ", quit" : "") << ")";
  messages_.push_back(note.str());
}

double Session::on_source(const char* name, double time) {
  if (!active_ || !name) return 0.0;
  // Called on every Newton iteration for every source: compare in place, no allocation.
  for (std::size_t i = 0; i < sources_lower_.size(); ++i) {
    if (strcasecmp(sources_lower_[i].c_str(), name) == 0) return active_->source_value(i, time);
  }
  unknown_source_ = lower(name);
  return 0.0;
}

void Session::on_init_data(const std::vector<std::string>& vector_names) {
  if (!active_) return;
  observed_index_.assign(active_->observed.size(), SIZE_MAX);
  for (std::size_t i = 0; i < active_->observed.size(); ++i) {
    const std::string wanted = lower(active_->observed[i]);
    for (std::size_t k = 0; k < vector_names.size(); ++k) {
      if (lower(vector_names[k]) == wanted) observed_index_[i] = k;
    }
  }
}

void Session::on_data(double time, const double* values, std::size_t count) {
  if (!active_) return;
  ++stats_.time_points;
  stats_.end_time = time;
  register_breakpoints_up_to(time);
  if (!active_->on_point) return;
  observed_values_.resize(observed_index_.size());
  for (std::size_t i = 0; i < observed_index_.size(); ++i) {
    const std::size_t k = observed_index_[i];
    observed_values_[i] = k < count ? values[k] : std::nan("");
  }
  active_->on_point(time, observed_values_);
}

// EXTERNAL sources set no breakpoints of their own, so the corners of the driver's waveforms
// are handed to ngspice a few at a time, ahead of the simulated time; ngspice's breakpoint table
// and ours stay short however long the run.
void Session::register_breakpoints_up_to(double time) {
  constexpr std::size_t kAhead = 4;
  auto& pending = pending_breakpoints_;
  pending.erase(pending.begin(), std::find_if(pending.begin(), pending.end(),
                                              [time](double t) { return t > time; }));
  if (!active_->next_breakpoint) return;
  // Two corners of the same instant computed in different clocks (a schedule corner and a
  // noise sample, each offset by the segment's start) can differ by rounding; as two
  // breakpoints they would ask ngspice for a step of 1e-20 s ("Timestep too small").
  constexpr double kSameInstant = 1e-14;  // s
  while (pending.size() < kAhead) {
    const double after = pending.empty() ? time : pending.back();
    double next = active_->next_breakpoint(after);
    while (next > after && next <= after + kSameInstant) {
      const double later = active_->next_breakpoint(next);
      next = later > next ? later : after;  // no corner beyond this instant: none to register
    }
    if (!(next > after) || next >= active_->stop) break;
    ngSpice_SetBkpt(next);
    pending.push_back(next);
  }
}

std::string Session::recent_messages(std::size_t count) const {
  // Only what ngspice printed during the current operation: the lines that report an error
  // (they say where: "singular matrix: check node x", which may come long before the end),
  // then its last `count` lines.
  const std::span<const std::string> lines = operation_messages();
  const std::size_t tail = lines.size() - std::min(count, lines.size());
  constexpr std::size_t kMaxErrorLines = 6;
  std::ostringstream text;
  std::size_t error_lines = 0;
  for (std::size_t i = 0; i < tail && error_lines < kMaxErrorLines; ++i) {
    if (is_error_message(lines[i])) {
      text << "\n  ngspice: " << lines[i];
      ++error_lines;
    }
  }
  for (const std::string& line : lines.subspan(tail)) {
    if (!line.empty()) text << "\n  ngspice: " << line;
  }
  return text.str();
}

void Session::begin_operation() {
  check_not_failed();
  operation_first_message_ = message_count_;
  operation_first_error_ = error_lines_;
}

bool Session::operation_failed(int status) const {
  return status != 0 || library_failed_ || error_lines_ != operation_first_error_;
}

void Session::check_not_failed() const {
  if (library_failed_) {
    fail("libngspice stopped after an earlier error; its state is no longer usable");
  }
}

void Session::fail(const std::string& what) const {
  throw simulation_error(what + recent_messages());
}

void Session::send(const std::string& text) {
  if (text.size() > kMaxCommandLength) {
    throw std::logic_error(
        "ngspice command longer than its 1024-byte buffer: " + text.substr(0, 60) + "...");
  }
  begin_operation();
  CLocaleGuard locale;
  if (operation_failed(ngSpice_Command(const_cast<char*>(text.c_str())))) {
    fail("ngspice command '" + text + "' failed");
  }
}

namespace {

// The first value of an ngspice vector of the current plot (its real part), if it has one.
std::optional<double> first_value(const std::string& vector) {
  CLocaleGuard locale;
  const pvector_info info = ngGet_Vec_Info(const_cast<char*>(vector.c_str()));
  // ngGet_Vec_Info returns one static struct, overwritten by the next call: copy at once.
  if (!info || info->v_length < 1) return std::nullopt;
  if (info->v_realdata) return info->v_realdata[0];
  if (info->v_compdata) return info->v_compdata[0].cx_real;
  return std::nullopt;
}

}  // namespace

double Session::evaluate(const std::string& expression) {
  static const std::string kScratch = "cllnsim_value";
  send("let " + kScratch + " = " + expression);
  const std::optional<double> value = first_value(kScratch);
  if (!value) fail("ngspice could not evaluate '" + expression + "'");
  send("unlet " + kScratch);
  return *value;
}

void Session::command(const std::string& text) { send(text); }

std::vector<double> Session::operating_point(const std::vector<std::string>& vectors) {
  send("op");
  std::vector<double> values;
  values.reserve(vectors.size());
  std::string missing;
  for (const std::string& name : vectors) {
    const std::optional<double> value = first_value(name);
    if (!value) {
      missing = name;
      break;
    }
    values.push_back(*value);
  }
  send("destroy all");
  if (!missing.empty()) fail("ngspice's operating point has no vector '" + missing + "'");
  return values;
}

void Session::load(const std::vector<std::string>& lines) {
  begin_operation();
  CLocaleGuard locale;
  // Drop the previous circuit and its plots, so memory does not grow across loads.
  ngSpice_Command(const_cast<char*>("destroy all"));
  ngSpice_Command(const_cast<char*>("remcirc"));
  ngSpice_Command(nullptr);  // clears ngspice's command history

  std::vector<std::string> owned = lines;
  if (owned.empty() || lower(owned.back()) != ".end") owned.emplace_back(".end");
  std::vector<char*> pointers;
  pointers.reserve(owned.size() + 1);
  for (std::string& line : owned) pointers.push_back(line.data());
  pointers.push_back(nullptr);

  if (operation_failed(ngSpice_Circ(pointers.data()))) {
    fail("ngspice could not load the circuit");
  }
}

TransientStats Session::run_transient(const TransientRequest& request) {
  check_not_failed();
  active_ = &request;
  sources_lower_.clear();
  for (const std::string& name : request.external_sources) sources_lower_.push_back(lower(name));
  observed_index_.assign(request.observed.size(), SIZE_MAX);
  pending_breakpoints_.clear();
  unknown_source_.clear();
  stats_ = {};
  struct ClearActive {
    const TransientRequest*& active;
    ~ClearActive() { active = nullptr; }
  } clear_active{active_};

  // `save none`: in shared mode every vector is still handed to SendData at each accepted point,
  // but ngspice keeps only its latest value, so memory stays flat however long the run.
  send("save none");
  // ngspice 46 checks that the output fits in memory at every accepted point (OUTpD_memory
  // reads /proc/meminfo each time, about 13 us of CPU, mostly in the kernel: a tenth of a time
  // point of the 4x4 XOR network; later versions check once per plot). With `save none` the
  // output is one point: the check is moot.
  send("set no_mem_check");

  register_breakpoints_up_to(0.0);
  std::ostringstream tran;
  tran.precision(12);
  tran << "tran " << request.step << ' ' << request.stop << " 0 " << request.max_step;
  begin_operation();
  {
    CLocaleGuard locale;
    const int status = ngSpice_Command(const_cast<char*>(tran.str().c_str()));
    // A failed transient can still return 0 ("Timestep too small"): also check the messages
    // and that the last accepted time point reached tstop.
    std::ostringstream where;
    where.precision(6);
    where << " (simulated time reached " << stats_.end_time << " s of " << request.stop << " s";
    if (request.time_origin != 0.0) {
      where << " of this transient, which starts at " << request.time_origin
            << " s of the run; ngspice's own times count from there";
    }
    where << ")";
    if (operation_failed(status)) {
      fail("ngspice transient failed" + where.str());
    }
    if (stats_.end_time < request.stop * (1.0 - 1e-9)) {
      fail("ngspice transient stopped early" + where.str());
    }
  }
  if (!unknown_source_.empty()) {
    throw std::logic_error("EXTERNAL source '" + unknown_source_ + "' has no driver signal");
  }
  for (std::size_t i = 0; i < observed_index_.size(); ++i) {
    if (observed_index_[i] == SIZE_MAX) {
      fail("ngspice did not produce the vector '" + request.observed[i] + "'");
    }
  }
  send("destroy all");
  return stats_;
}

}  // namespace cllnsim::spice
