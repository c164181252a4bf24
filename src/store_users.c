/* store_users.c — being written; see store_users.h. */
#include "store_users.h"
