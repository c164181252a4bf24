/* one.c */
#include "pages.h"

void
page_one(void)
{
	pages_helper();
}
