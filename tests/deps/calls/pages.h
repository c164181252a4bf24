/* pages.h — the dispatcher and the pages it calls, declared together. */
void pages_dispatch(void);
void pages_helper(void);
void page_one(void);
