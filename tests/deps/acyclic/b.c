/* b.c */
#include "a_db.h"
#include "b.h"

static int
twice(int x)
{
	return 2 * x;
}

void
b_put(int x)
{
	int y = twice(x);
	if (y > 0) {
		y--;
	}
	(void)y;
}
