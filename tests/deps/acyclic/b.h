/* b.h */
#include "a.h"
void b_put(int);
