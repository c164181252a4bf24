/* a_db.h — a.c's inner functions, for its own use and b's. */
#include "a.h"
int a_db_open(void);
