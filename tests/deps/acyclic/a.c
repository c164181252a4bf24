/* a.c — b_put (in b.c) is mentioned here in a comment only. */
#include <stdio.h>

#include "a.h"
#include "a_db.h"

int
a_get(void)
{
	return a_db_open();
}

int
a_db_open(void)
{
	const char *s = "b_put(";
	return s[0];
}
