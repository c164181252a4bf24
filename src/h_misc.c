/* h_misc.c */
