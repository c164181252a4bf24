/* a.c */
#include "a.h"
