/* h_post.c */
