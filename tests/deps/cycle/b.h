/* b.h */
#include "a.h"
