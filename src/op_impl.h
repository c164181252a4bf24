/* op_impl.h — what the op_*.c files share (op.c): not for callers of the
 * operations, who include op.h. */
#ifndef NAZAR_OP_IMPL_H
#define NAZAR_OP_IMPL_H

#include "op.h"

/* Sets res->problem to p and returns it. */
enum op_problem op_done(struct op_result *res, enum op_problem p);
/* A store result as a problem: not_found for STORE_NOT_FOUND, OP_OK for
 * STORE_OK, OP_UNAVAILABLE for the rest. */
enum op_problem op_store_problem(enum store_result r, enum op_problem not_found);

#endif
