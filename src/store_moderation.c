/* store_moderation.c — being written; see store_moderation.h. */
#include "store_moderation.h"
