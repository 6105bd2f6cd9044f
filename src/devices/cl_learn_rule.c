/* cl_learn_rule: the coupled-learning gate current of the shipped NMOS edge as a compiled OSDI
 * device, the same rule as the behavioural source Blearn in netlists/edges/nmos_rule.sub:
 *
 *   I = gl*cmax * a/s * (1 - 2p/s) * tanh((min(df^2,1) - min(dc^2,1) + coffset) / cmax)
 *     + gbound * (uramp(vgmin - vg) - uramp(vg - vgmax))
 *
 * with a = V(learn,vss), s = V(vdd,vss), p = V(polarity,vss), df = V(fa,fb), dc = V(ca,cb),
 * vg = V(g,vss); a current from vss through the device into g. Purely resistive (no charges,
 * no internal nodes); eval() computes I and its exact derivative with respect to every terminal
 * voltage, the load functions stamp them. Instance parameter m (OSDI's $mfactor) scales both.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "osdi_abi.h"

#define EXPORT __attribute__((visibility("default")))

/* Terminals, in the order of the instance line (the edge subcircuit's port order). */
enum { FA, FB, CA, CB, G, LEARN, VDD, VSS, POLARITY, NUM_TERMINALS };

/* Parameters, all per instance. */
enum { GL, CMAX, VGMIN, VGMAX, GBOUND, COFFSET, MFACTOR, NUM_PARAMS };
static const double kDefaults[NUM_PARAMS] = {1e-3, 0.25, 0.8, 5.5, 1e-3, 0.0, 1.0};

/* The current leaves the circuit at vss and enters it at g: rows g and vss, every column. */
enum { ROWS = 2, NUM_JACOBIAN = ROWS * NUM_TERMINALS };
static const uint32_t kRowTerminal[ROWS] = {G, VSS};

struct instance {
  double params[NUM_PARAMS];
  uint32_t given; /* bit i: params[i] set on the instance line */
  uint32_t node[NUM_TERMINALS];
  double* matrix[NUM_JACOBIAN];
  double current;                 /* I, from vss into g, times m */
  double slope[NUM_TERMINALS];    /* dI/dV(terminal), times m */
  double residual[NUM_TERMINALS]; /* current leaving each terminal into the device */
  bool collapsed[1];              /* no collapsible node pairs; the loader wants the offset */
  uint32_t state_index[1];        /* no states; likewise */
};

struct model {
  double defaults[NUM_PARAMS];
};

static void* access_param(void* inst, void* model, uint32_t id, uint32_t flags) {
  if (id >= NUM_PARAMS) return NULL;
  if (flags & OSDI_ACCESS_INSTANCE) {
    struct instance* self = inst;
    if (flags & OSDI_ACCESS_SET) self->given |= 1u << id;
    return &self->params[id];
  }
  return &((struct model*)model)->defaults[id];
}

static void setup_model(void* handle, void* model, struct osdi_sim_params* params,
                        struct osdi_init_info* result) {
  (void)handle;
  (void)params;
  memcpy(((struct model*)model)->defaults, kDefaults, sizeof kDefaults);
  *result = (struct osdi_init_info){0, 0, NULL};
}

/* setup_instance runs before ngspice reads the result; one circuit is set up at a time. */
static struct osdi_init_error setup_errors[NUM_PARAMS];

static void setup_instance(void* handle, void* inst, void* model, double temperature,
                           uint32_t num_terminals, struct osdi_sim_params* params,
                           struct osdi_init_info* result) {
  (void)handle;
  (void)model;
  (void)temperature;
  (void)num_terminals;
  (void)params;
  struct instance* self = inst;
  for (uint32_t i = 0; i < NUM_PARAMS; ++i) {
    if (!(self->given & (1u << i))) self->params[i] = kDefaults[i];
  }
  /* cmax divides the contrast; a saturation level at or below zero is no rule. */
  uint32_t errors = 0;
  if (!(self->params[CMAX] > 0)) {
    setup_errors[errors++] = (struct osdi_init_error){OSDI_INIT_OUT_OF_BOUNDS, CMAX};
  }
  *result = (struct osdi_init_info){0, errors, errors ? setup_errors : NULL};
}

/* ngspice's behavioural division moves the divisor 1e-32 away from zero (its parser's fudge at
 * the default gmin), so a rail at 0 V (the first iteration of a `uic` transient) gives a finite
 * current; the compiled rule divides the same way. */
static double away_from_zero(double divisor) {
  return divisor >= 0 ? divisor + 1e-32 : divisor - 1e-32;
}

/* The input stage's clipped square min(x^2, 1) and its derivative. */
static double clipped_square(double x, double* derivative) {
  const double square = x * x;
  *derivative = square < 1.0 ? 2.0 * x : 0.0;
  return square < 1.0 ? square : 1.0;
}

static uint32_t eval(void* handle, void* inst, void* model, const struct osdi_sim_info* info) {
  (void)handle;
  (void)model;
  struct instance* self = inst;
  const double* p = self->params;
  const double* v = info->prev_solve;
  const double vss = v[self->node[VSS]];
  const double learn = v[self->node[LEARN]] - vss;
  const double supply = away_from_zero(v[self->node[VDD]] - vss);
  const double polarity = v[self->node[POLARITY]] - vss;
  const double gate = v[self->node[G]] - vss;

  double d_free, d_clamped;
  const double contrast = clipped_square(v[self->node[FA]] - v[self->node[FB]], &d_free) -
                          clipped_square(v[self->node[CA]] - v[self->node[CB]], &d_clamped) +
                          p[COFFSET];
  const double t = tanh(contrast / p[CMAX]);
  const double enable = learn / supply;
  const double sign = 1.0 - 2.0 * polarity / supply;
  const double scale = p[GL] * p[CMAX];
  const double m = p[MFACTOR];

  const double below = p[VGMIN] - gate, above = gate - p[VGMAX];
  const double bound = p[GBOUND] * ((below > 0 ? below : 0) - (above > 0 ? above : 0));
  const double d_gate = -p[GBOUND] * ((below > 0 ? 1 : 0) + (above > 0 ? 1 : 0));

  /* dI/dC = gl cmax enable sign (1 - t^2) / cmax */
  const double d_contrast = p[GL] * enable * sign * (1.0 - t * t);
  double* s = self->slope;
  s[FA] = m * d_contrast * d_free;
  s[FB] = -s[FA];
  s[CA] = -m * d_contrast * d_clamped;
  s[CB] = -s[CA];
  s[G] = m * d_gate;
  s[LEARN] = m * scale * sign * t / supply;
  s[POLARITY] = m * scale * enable * t * (-2.0 / supply);
  /* d(enable*sign)/ds = -learn/s^2 * sign + enable * 2 polarity / s^2 */
  s[VDD] = m * scale * t * (-learn * sign + enable * 2.0 * polarity) / (supply * supply);
  s[VSS] = -(s[G] + s[LEARN] + s[POLARITY] + s[VDD]);

  self->current = m * (scale * enable * sign * t + bound);
  memset(self->residual, 0, sizeof self->residual);
  self->residual[G] = -self->current;
  self->residual[VSS] = self->current;
  return 0;
}

/* d(residual of row r)/dV(column c): -slope at g (the current enters there), +slope at vss. */
static double jacobian_value(const struct instance* self, uint32_t entry) {
  const double slope = self->slope[entry % NUM_TERMINALS];
  return kRowTerminal[entry / NUM_TERMINALS] == G ? -slope : slope;
}

static void load_jacobian_resist(void* inst, void* model) {
  (void)model;
  struct instance* self = inst;
  for (uint32_t i = 0; i < NUM_JACOBIAN; ++i) *self->matrix[i] += jacobian_value(self, i);
}

static void load_jacobian_tran(void* inst, void* model, double alpha) {
  (void)alpha; /* no charges: the transient matrix is the resistive one */
  load_jacobian_resist(inst, model);
}

static void load_jacobian_react(void* inst, void* model, double alpha) {
  (void)inst;
  (void)model;
  (void)alpha;
}

static void load_spice_rhs_dc(void* inst, void* model, double* rhs, double* prev_solve) {
  (void)model;
  struct instance* self = inst;
  /* sum over columns of dI/dV * V, the linearisation point of this Newton step */
  double linear = 0;
  for (uint32_t c = 0; c < NUM_TERMINALS; ++c) linear += self->slope[c] * prev_solve[self->node[c]];
  /* row g: J = -slope, residual = -I; row vss: J = +slope, residual = +I */
  rhs[self->node[G]] += -linear + self->current;
  rhs[self->node[VSS]] += linear - self->current;
}

static void load_spice_rhs_tran(void* inst, void* model, double* rhs, double* prev_solve,
                                double alpha) {
  (void)alpha;
  load_spice_rhs_dc(inst, model, rhs, prev_solve);
}

static void load_residual_resist(void* inst, void* model, double* dst) {
  (void)model;
  const struct instance* self = inst;
  for (uint32_t c = 0; c < NUM_TERMINALS; ++c) dst[self->node[c]] += self->residual[c];
}

static void load_nothing(void* inst, void* model, double* dst) {
  (void)inst;
  (void)model;
  (void)dst;
}

static void load_noise(void* inst, void* model, double freq, double* noise_dens,
                       double* ln_noise_dens) {
  (void)inst;
  (void)model;
  (void)freq;
  (void)noise_dens;
  (void)ln_noise_dens;
}

#define TERMINAL(n)                                                                               \
  {                                                                                               \
#n, "V", "A", offsetof(struct instance, residual) + n * sizeof(double), OSDI_NONE, OSDI_NONE, \
        OSDI_NONE, false                                                                          \
  }
static struct osdi_node nodes[NUM_TERMINALS] = {TERMINAL(FA),  TERMINAL(FB),  TERMINAL(CA),
                                                TERMINAL(CB),  TERMINAL(G),   TERMINAL(LEARN),
                                                TERMINAL(VDD), TERMINAL(VSS), TERMINAL(POLARITY)};

static char* names_gl[] = {"gl"};
static char* names_cmax[] = {"cmax"};
static char* names_vgmin[] = {"vgmin"};
static char* names_vgmax[] = {"vgmax"};
static char* names_gbound[] = {"gbound"};
static char* names_coffset[] = {"coffset"};
/* ngspice offers "$mfactor" to the netlist as "m" (and "_mfactor"). */
static char* names_mfactor[] = {"$mfactor"};

#define PARAM(names, description, units) \
  { names, 0, description, units, OSDI_PARAM_REAL | OSDI_PARAM_INSTANCE, 0 }
static struct osdi_param params[NUM_PARAMS] = {
    PARAM(names_gl, "learning gain", "A/V^2"),
    PARAM(names_cmax, "contrast at which the output saturates", "V^2"),
    PARAM(names_vgmin, "lower soft bound of the gate", "V"),
    PARAM(names_vgmax, "upper soft bound of the gate", "V"),
    PARAM(names_gbound, "conductance of the soft bounds", "S"),
    PARAM(names_coffset, "input offset added to the contrast", "V^2"),
    PARAM(names_mfactor, "multiplier", ""),
};

static struct osdi_jacobian_entry jacobian[NUM_JACOBIAN];

EXPORT uint32_t OSDI_VERSION_MAJOR = 0;
EXPORT uint32_t OSDI_VERSION_MINOR = 3;
EXPORT uint32_t OSDI_NUM_DESCRIPTORS = 1;
EXPORT struct osdi_descriptor OSDI_DESCRIPTORS[1] = {{
    .name = "cl_learn_rule",
    .num_nodes = NUM_TERMINALS,
    .num_terminals = NUM_TERMINALS,
    .nodes = nodes,
    .num_jacobian_entries = NUM_JACOBIAN,
    .jacobian_entries = jacobian,
    .num_collapsible = 0,
    .collapsible = NULL,
    .collapsed_offset = offsetof(struct instance, collapsed),
    .noise_sources = NULL,
    .num_noise_src = 0,
    .num_params = NUM_PARAMS,
    .num_instance_params = NUM_PARAMS,
    .num_opvars = 0,
    .params = params,
    .node_mapping_offset = offsetof(struct instance, node),
    .jacobian_ptr_resist_offset = offsetof(struct instance, matrix),
    .num_states = 0,
    .state_idx_off = offsetof(struct instance, state_index),
    .bound_step_offset = OSDI_NONE,
    .instance_size = sizeof(struct instance),
    .model_size = sizeof(struct model),
    .access = access_param,
    .setup_model = setup_model,
    .setup_instance = setup_instance,
    .eval = eval,
    .load_noise = load_noise,
    .load_residual_resist = load_residual_resist,
    .load_residual_react = load_nothing,
    .load_limit_rhs_resist = load_nothing,
    .load_limit_rhs_react = load_nothing,
    .load_spice_rhs_dc = load_spice_rhs_dc,
    .load_spice_rhs_tran = load_spice_rhs_tran,
    .load_jacobian_resist = load_jacobian_resist,
    .load_jacobian_react = load_jacobian_react,
    .load_jacobian_tran = load_jacobian_tran,
}};

/* The Jacobian's structure (rows g and vss, every terminal a column), filled when loaded. */
__attribute__((constructor)) static void fill_jacobian_structure(void) {
  for (uint32_t i = 0; i < NUM_JACOBIAN; ++i) {
    jacobian[i] = (struct osdi_jacobian_entry){
        {kRowTerminal[i / NUM_TERMINALS], i % NUM_TERMINALS}, OSDI_NONE, OSDI_JACOBIAN_RESISTIVE};
  }
}
