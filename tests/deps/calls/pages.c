/* pages.c */
#include "pages.h"

void
pages_dispatch(void)
{
	page_one();
}

void
pages_helper(void)
{
}
