/* auth.c — being written; see auth.h. */
#include "auth.h"
