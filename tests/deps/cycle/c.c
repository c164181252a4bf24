/* c.c — outside the cycle. */
#include "a.h"
