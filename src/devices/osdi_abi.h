/* The parts of the OSDI 0.3 binary interface (the compiled-device interface that ngspice 46
 * loads with `pre_osdi`) that a hand-written device needs, written from reading how ngspice's
 * src/osdi/ uses them. Only the memory layout matters to the loader: these structures must have
 * exactly the fields, order and types it expects, so do not reorder anything here.
 *
 * A device library exports these symbols (read with dlsym):
 *   uint32_t OSDI_VERSION_MAJOR, OSDI_VERSION_MINOR  must be 0 and 3 (no OSDI_DESCRIPTOR_SIZE)
 *   uint32_t OSDI_NUM_DESCRIPTORS                    entries of OSDI_DESCRIPTORS
 *   struct osdi_descriptor OSDI_DESCRIPTORS[]        one per device type
 */
#ifndef CLLNSIM_OSDI_ABI_H
#define CLLNSIM_OSDI_ABI_H

#include <stdbool.h>
#include <stdint.h>

/* No offset / no node ("this device has none"). */
#define OSDI_NONE UINT32_MAX

/* osdi_param.flags: the value's type (low bits) and what it belongs to (top bits). */
#define OSDI_PARAM_REAL 0u
#define OSDI_PARAM_INSTANCE (1u << 30)

/* access() flags: write (else read), and the instance's copy (else the model's). */
#define OSDI_ACCESS_SET 1u
#define OSDI_ACCESS_INSTANCE 4u

/* osdi_jacobian_entry.flags: the entry has a resistive (conductance) part. */
#define OSDI_JACOBIAN_RESISTIVE 4u

/* osdi_init_error.code: a parameter is outside its allowed range. */
#define OSDI_INIT_OUT_OF_BOUNDS 1u

/* $simparam names and values ngspice passes to setup and eval (unused here). */
struct osdi_sim_params {
  char** names;
  double* values;
  char** string_names;
  char** string_values;
};

/* What eval() gets: the previous Newton solution indexed by ngspice node number. */
struct osdi_sim_info {
  struct osdi_sim_params params;
  double abstime;
  double* prev_solve;
  double* prev_state;
  double* next_state;
  uint32_t flags;
};

struct osdi_init_error {
  uint32_t code;
  uint32_t parameter_id; /* a one-member union in the interface */
};

/* Filled by setup_model / setup_instance: errors make ngspice refuse the circuit. */
struct osdi_init_info {
  uint32_t flags;
  uint32_t num_errors;
  struct osdi_init_error* errors;
};

struct osdi_node_pair {
  uint32_t first;  /* for a Jacobian entry: the equation (row) */
  uint32_t second; /* ... and the unknown (column) */
};

struct osdi_jacobian_entry {
  struct osdi_node_pair nodes;
  uint32_t react_ptr_off; /* OSDI_NONE: no reactive part */
  uint32_t flags;
};

/* A node; the offsets point into the instance data (OSDI_NONE where the device has nothing). */
struct osdi_node {
  char* name;
  char* units;
  char* residual_units;
  uint32_t resist_residual_off;
  uint32_t react_residual_off;
  uint32_t resist_limit_rhs_off;
  uint32_t react_limit_rhs_off;
  bool is_flow;
};

struct osdi_param {
  char** names; /* names[0], then num_alias aliases */
  uint32_t num_alias;
  char* description;
  char* units;
  uint32_t flags;
  uint32_t len; /* 0: a scalar */
};

struct osdi_noise_source {
  char* name;
  struct osdi_node_pair nodes;
};

/* One device type. The instance and model data are blocks of instance_size / model_size bytes
 * that ngspice allocates (zeroed) and the device interprets; the *_offset fields tell ngspice
 * where in an instance it writes the node numbers and matrix element pointers. */
struct osdi_descriptor {
  char* name;

  uint32_t num_nodes;
  uint32_t num_terminals;
  struct osdi_node* nodes;

  uint32_t num_jacobian_entries;
  struct osdi_jacobian_entry* jacobian_entries;

  uint32_t num_collapsible;
  struct osdi_node_pair* collapsible;
  uint32_t collapsed_offset;

  struct osdi_noise_source* noise_sources;
  uint32_t num_noise_src;

  uint32_t num_params; /* the first num_instance_params of them are instance parameters */
  uint32_t num_instance_params;
  uint32_t num_opvars;
  struct osdi_param* params; /* num_params + num_opvars */

  uint32_t node_mapping_offset;        /* uint32_t[num_nodes]: ngspice node numbers */
  uint32_t jacobian_ptr_resist_offset; /* double*[num_jacobian_entries]: matrix elements */

  uint32_t num_states;
  uint32_t state_idx_off;

  uint32_t bound_step_offset; /* OSDI_NONE: no time step limit */

  uint32_t instance_size;
  uint32_t model_size;

  void* (*access)(void* inst, void* model, uint32_t id, uint32_t flags);
  void (*setup_model)(void* handle, void* model, struct osdi_sim_params* params,
                      struct osdi_init_info* result);
  void (*setup_instance)(void* handle, void* inst, void* model, double temperature,
                         uint32_t num_terminals, struct osdi_sim_params* params,
                         struct osdi_init_info* result);
  uint32_t (*eval)(void* handle, void* inst, void* model, const struct osdi_sim_info* info);
  void (*load_noise)(void* inst, void* model, double freq, double* noise_dens,
                     double* ln_noise_dens);
  void (*load_residual_resist)(void* inst, void* model, double* dst);
  void (*load_residual_react)(void* inst, void* model, double* dst);
  void (*load_limit_rhs_resist)(void* inst, void* model, double* dst);
  void (*load_limit_rhs_react)(void* inst, void* model, double* dst);
  /* rhs[node] += J * prev_solve - residual: the Newton companion's right-hand side. */
  void (*load_spice_rhs_dc)(void* inst, void* model, double* rhs, double* prev_solve);
  void (*load_spice_rhs_tran)(void* inst, void* model, double* rhs, double* prev_solve,
                              double alpha);
  void (*load_jacobian_resist)(void* inst, void* model);
  void (*load_jacobian_react)(void* inst, void* model, double alpha);
  void (*load_jacobian_tran)(void* inst, void* model, double alpha);
};

#endif
