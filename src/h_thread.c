/* h_thread.c */
