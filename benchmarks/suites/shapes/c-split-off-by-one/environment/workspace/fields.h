#ifndef FIELDS_H
#define FIELDS_H

/* Removes a trailing "\n" or "\r\n" from s, in place. */
void chomp(char *s);

/* Splits line in place at every sep and stores pointers to the fields in out.
   Stores at most max fields (the rest of the line is ignored) and returns how
   many it stored. An empty line is one empty field. */
int split_fields(char *line, char sep, char **out, int max);

#endif
