/* a.h — a module every other one uses. */
int a_get(void);
